#!/usr/bin/env bash
# A real (single-machine) cluster run of `diarize --shard`: starts munged, slurmctld and slurmd in a
# temporary folder, submits a 3-task Slurm array job over a small folder of development audio,
# then runs the same 3 shards with GNU parallel (--sshlogin 2/:, local), and checks both ways
# against one plain run: every input in exactly one task's log, and the union of the tasks' RTTM
# files byte-identical (same names, same bytes) to the plain run's. This is the recipe of
# docs/scale-out.md, tested. Needs root (Slurm's daemons run as root here) and the Debian
# packages slurm-wlm, munge and parallel (.ci/run installs them). A daemon that cannot start is a
# failure, never a skip.
#
# Usage: test_cluster.sh BIN_DIR   ($DIARIZE_SHARED: the shared data, default ../shared)
set -uo pipefail

bin_dir=${1:?usage: test_cluster.sh BIN_DIR}
diarize="$(cd "$bin_dir" && pwd)/diarize"
shared=${DIARIZE_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
ctld_port=${DIARIZE_TEST_SLURMCTLD_PORT:-16817}
slurmd_port=${DIARIZE_TEST_SLURMD_PORT:-16818}
wait_s=${DIARIZE_TEST_CLUSTER_WAIT_S:-120}

fail() {
  echo "test_cluster: FAIL: $*" >&2
  exit 1
}

for tool in munged slurmctld slurmd sbatch squeue sinfo scancel parallel; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install slurm-wlm munge parallel; .ci/run does)"
done
[ "$(id -u)" = 0 ] || fail "needs root: slurmd runs the jobs as the submitting user and must start as root"
[ -x "$diarize" ] || fail "$diarize is missing (build it first)"
segmentation="$shared/models/segmentation-3.0.int8.onnx"
clips="$shared/data/librispeech_test_other"
[ -f "$segmentation" ] || fail "$segmentation is missing (DIARIZE_SHARED=$shared)"
[ -d "$clips" ] || fail "$clips is missing (DIARIZE_SHARED=$shared)"

T=$(mktemp -d /tmp/diarize-cluster.XXXXXX)
chmod 700 "$T"
job_id=""

stop_pid_file() {
  local file=$1
  [ -s "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
}

cleanup() {
  [ -n "$job_id" ] && timeout 5 scancel --quiet "$job_id" 2>/dev/null
  stop_pid_file "$T/slurmd.pid"
  stop_pid_file "$T/slurmctld.pid"
  stop_pid_file "$T/munged.pid"
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

show_logs() {
  for log in "$T"/*.log "$T"/*.out; do
    [ -f "$log" ] || continue
    echo "--- $log (tail)" >&2
    tail -n 20 "$log" >&2
  done
}

# Six clips of two speakers, in two subfolders: outputs are mirrored (a/..., b/...).
mkdir -p "$T/corpus/a" "$T/corpus/b"
for f in "$clips"/1688/*-000[0-2].flac; do cp "$f" "$T/corpus/a/"; done
for f in "$clips"/3005/*-000[0-2].flac; do cp "$f" "$T/corpus/b/"; done
inputs=$(cd "$T/corpus" && find . -name '*.flac' | sort)
[ "$(echo "$inputs" | wc -l)" = 6 ] || fail "expected 6 clips, found: $inputs"
run=("$diarize" --threads 1 --embedding builtin --segmentation "$segmentation")

# --- munge and Slurm, every file in $T
dd if=/dev/urandom bs=1 count=1024 of="$T/munge.key" status=none
chmod 400 "$T/munge.key"
munged -f --socket="$T/munge.sock" --key-file="$T/munge.key" --pid-file="$T/munged.pid" \
  --log-file="$T/munged.log" --seed-file="$T/munge.seed" || { show_logs; fail "munged did not start"; }
node=$(hostname -s)
mkdir -p "$T/state" "$T/spool"
cat > "$T/slurm.conf" <<CONF
ClusterName=diarizetest
SlurmctldHost=$node
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -f "$T/slurm.conf" || { show_logs; fail "slurmctld did not start"; }
slurmd -f "$T/slurm.conf" || { show_logs; fail "slurmd did not start"; }
# Time-capped: a client call waits for a controller that is not there, so each one is cut too.
deadline=$(($(date +%s) + 30))
until [ "$(timeout 5 sinfo -h -N -o '%t' 2>/dev/null | head -n 1)" = idle ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { show_logs; fail "the node did not become idle within 30 s (slurmctld or slurmd not running?)"; }
  sleep 0.5
done

# One plain run: what the shards together must give.
(cd "$T" && "${run[@]}" -q -o "$T/whole/" corpus) || fail "the plain run failed"
[ "$(find "$T/whole" -name '*.rttm' | wc -l)" = 6 ] || fail "the plain run did not write 6 RTTM files"

# Every input in exactly one log of $@, and $1's RTTM files equal to the plain run's.
check_shards() {
  local what=$1 out=$2
  shift 2
  for input in $inputs; do
    local path="corpus/${input#./}"
    local hits
    hits=$(grep -l -F "diarize: $path: " "$@" | wc -l)
    [ "$hits" = 1 ] || { show_logs; fail "$what: $path is in $hits task logs, not 1"; }
  done
  diff -r "$T/whole" "$out" >&2 || fail "$what: the shards' outputs differ from one run's"
  echo "test_cluster: $what: 6 inputs in 3 shards, each once; outputs byte-identical to one run"
}

# --- Slurm: the docs/scale-out.md recipe (0-based task ids, 1-based shards).
start=$(date +%s)
job_id=$(cd "$T" && timeout 30 sbatch --parsable --array=0-2 -o "$T/%A_%a.out" \
  --wrap "$(printf '%q ' "${run[@]}") -v --shard \$((SLURM_ARRAY_TASK_ID+1))/\$SLURM_ARRAY_TASK_COUNT -o '$T/slurm/' corpus") ||
  { show_logs; fail "sbatch failed"; }
job_id=${job_id%%;*}
while [ -n "$(timeout 5 squeue -h -j "$job_id" 2>/dev/null)" ]; do
  [ $(($(date +%s) - start)) -lt "$wait_s" ] || { show_logs; fail "the array job $job_id did not finish within $wait_s s"; }
  sleep 1
done
logs=("$T/${job_id}"_*.out)
[ "${#logs[@]}" = 3 ] || { show_logs; fail "expected 3 task logs, found ${#logs[@]}"; }
grep -q "diarize: shard [123]/3: " "${logs[@]}" || { show_logs; fail "no task reported its shard"; }
check_shards "Slurm array job $job_id ($(($(date +%s) - start)) s)" "$T/slurm" "${logs[@]}"
job_id=""

# --- GNU parallel: 3 shards on 2 job slots of this machine (':' is the local host, no ssh).
start=$(date +%s)
(cd "$T" && parallel --will-cite --sshlogin 2/: "$(printf '%q ' "${run[@]}") -v --shard {}/3 -o '$T/parallel/' corpus 2> '$T/parallel_{}.out'" ::: 1 2 3) ||
  { show_logs; fail "GNU parallel reported a failed shard"; }
check_shards "GNU parallel ($(($(date +%s) - start)) s)" "$T/parallel" "$T"/parallel_*.out
echo "test_cluster: PASS"
