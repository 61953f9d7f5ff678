#!/usr/bin/env bash
# Makes samples/conversation.flac (two synthetic voices taking turns, ~30 s, 16 kHz mono) and its
# exact reference samples/conversation.rttm, with espeak-ng and sox (Debian packages).
# The result is committed, so users need neither tool; rerun this script to regenerate it.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# voice, pitch, speed, text (one turn per line)
turns=(
  "en-us+m3|40|150|Good morning. Thanks for joining the call about the new recording studio."
  "en-gb+f4|75|160|Happy to be here. I read the plans last night and I have a few questions."
  "en-us+m3|40|150|Of course. Let us start with the budget, since that decides everything else."
  "en-gb+f4|75|160|Right. The quote for the sound proofing looks high to me. Did you compare suppliers?"
  "en-us+m3|40|150|We asked three of them. This one was the only one who could finish before March."
  "en-gb+f4|75|160|That makes sense. Then I am fine with it, as long as the schedule really holds."
)
gaps=(0.6 0.5 0.7 0.4 0.8 0.5)
labels=(host guest)

rttm=""
t=0.5
parts=("$work/lead.wav")
sox -n -r 16000 -c 1 -b 16 "$work/lead.wav" trim 0 0.5
for i in "${!turns[@]}"; do
  IFS='|' read -r voice pitch speed text <<<"${turns[$i]}"
  espeak-ng -v "$voice" -p "$pitch" -s "$speed" -w "$work/raw$i.wav" "$text"
  # 16 kHz mono, leading/trailing silence trimmed so the reference times are the speech itself.
  sox "$work/raw$i.wav" -r 16000 -c 1 -b 16 "$work/turn$i.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
  dur=$(soxi -D "$work/turn$i.wav")
  speaker=${labels[$((i % 2))]}
  rttm+=$(printf 'SPEAKER conversation 1 %.3f %.3f <NA> <NA> %s <NA> <NA>' "$t" "$dur" "$speaker")$'\n'
  sox -n -r 16000 -c 1 -b 16 "$work/gap$i.wav" trim 0 "${gaps[$i]}"
  parts+=("$work/turn$i.wav" "$work/gap$i.wav")
  t=$(echo "$t + $dur + ${gaps[$i]}" | bc -l)
done
sox "${parts[@]}" -r 16000 -c 1 -b 16 conversation.flac
printf '%s' "$rttm" > conversation.rttm
echo "wrote conversation.flac ($(soxi -D conversation.flac) s) and conversation.rttm"
