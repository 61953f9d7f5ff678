# bash completion for diarize (installed as share/bash-completion/completions/diarize).
# Kept in step with `diarize --help` by test/cli/test_cli_reference.cpp.

_diarize() {
  local cur prev words cword
  _init_completion || return

  local main_opts="-h --help -V --version --files-from --files-from0 --shard -o --output -f --format --transcript --uri -q --quiet
    -v --verbose --skip-existing --num-speakers --min-speakers --max-speakers --exclusive
    --embeddings --segmentation --embedding --models --plda --pipeline --mode --device --threads
    --batch-size --no-isolation --timeout --max-accelerator-failures"
  local score_opts="-h --help --ref --hyp --uem --collar --skip-overlap --exclusive --per-file --json"
  local formats="rttm json srt vtt txt tsv audacity svg"

  # Which (sub)command are we in?
  local command="" sub="" i
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      score) [ -z "$command" ] && command=score ;;
      models) [ -z "$command" ] && command=models ;;
      info | convert) [ "$command" = models ] && [ -z "$sub" ] && sub="${words[i]}" ;;
    esac
  done

  case "$command" in
    score)
      case "$prev" in
        --ref | --hyp | --uem) _filedir; return ;;
        --collar) return ;;
      esac
      COMPREPLY=($(compgen -W "$score_opts" -- "$cur"))
      return
      ;;
    models)
      if [ -z "$sub" ]; then
        COMPREPLY=($(compgen -W "info convert -h --help" -- "$cur"))
      elif [[ "$cur" == -* ]]; then
        [ "$sub" = info ] && COMPREPLY=($(compgen -W "--json -h --help" -- "$cur")) ||
          COMPREPLY=($(compgen -W "-h --help" -- "$cur"))
      else
        _filedir
      fi
      return
      ;;
  esac

  case "$prev" in
    -o | --output | --transcript | --segmentation | --files-from | --files-from0) _filedir; return ;;
    --models | --plda) _filedir -d; return ;;
    -f | --format)
      # A comma-separated list: complete the item after the last comma.
      local done_part="" item="$cur"
      if [[ "$cur" == *,* ]]; then done_part="${cur%,*},"; item="${cur##*,}"; fi
      COMPREPLY=($(compgen -P "$done_part" -W "$formats" -- "$item"))
      compopt -o nospace 2>/dev/null
      return
      ;;
    --embedding) COMPREPLY=($(compgen -W "builtin" -- "$cur")); _filedir; return ;;
    --pipeline) COMPREPLY=($(compgen -W "community-1 3.1" -- "$cur")); return ;;
    --mode) COMPREPLY=($(compgen -W "exact fast" -- "$cur")); return ;;
    --device) COMPREPLY=($(compgen -W "auto cpu cuda mps" -- "$cur")); return ;;
    --uri | --shard | --num-speakers | --min-speakers | --max-speakers | --threads | --batch-size | --timeout | \
      --max-accelerator-failures) return ;;
  esac

  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$main_opts" -- "$cur"))
  else
    [ -z "$command" ] && [ "$cword" -eq 1 ] && COMPREPLY=($(compgen -W "score models" -- "$cur"))
    _filedir
  fi
} && complete -F _diarize diarize
