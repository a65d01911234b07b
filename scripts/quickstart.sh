#!/usr/bin/env bash
# The NATS signing-key walkthrough (nsc's "Signing Keys" guide) done with sigchain, end to end,
# on the embedded store: operator with a signing key, an account signed by it with its own
# signing key, a user signed by that, the describe tables and the creds file; then the chain
# verified, and the account signing key "leaked" and replaced in one command (old creds refused).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
npm run build --silent

# Always a fresh, empty home, even when SIGCHAIN_HOME is set: the walkthrough must neither touch
# a real store nor depend on one. nsc mode and nsc's folder variables would send keys elsewhere.
export SIGCHAIN_HOME="$(mktemp -d "${TMPDIR:-/tmp}/sigchain-quickstart.XXXXXX")"
unset SIGCHAIN_NSC NKEYS_PATH NSC_HOME SIGCHAIN_KEYRING_BACKEND SIGCHAIN_AUTH_SOCK
SIGCHAIN="node $PWD/dist/src/cli/bin.cjs"
run() { printf '\n\033[1m$ sigchain %s\033[0m\n' "$*"; $SIGCHAIN "$@"; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

echo "SIGCHAIN_HOME=$SIGCHAIN_HOME (everything this walkthrough makes lives here)"
# Operator and account keys are sealed with a passphrase (age format, <PUB>.nk.age). A person at a
# terminal is asked for it; this walkthrough runs unattended, so it gives one the way scripts do.
export SIGCHAIN_PASSPHRASE="${SIGCHAIN_PASSPHRASE:-quickstart demo passphrase}"
echo "SIGCHAIN_PASSPHRASE is set for this walkthrough: operator and account keys are sealed with it"

run add operator O2
printf '\n\033[1m$ sigchain generate nkey --operator --store\033[0m\n'
OP_SK_JSON=$($SIGCHAIN generate nkey --operator --store --json)
OP_SK=$(echo "$OP_SK_JSON" | field public_key); OP_SK_FILE=$(echo "$OP_SK_JSON" | field path)
echo "$OP_SK"; echo "operator key stored $OP_SK_FILE"
run edit operator --sk "$OP_SK"
run describe operator

run add account A -K "$OP_SK_FILE"
printf '\n\033[1m$ sigchain generate nkey --account --store\033[0m\n'
AC_SK_JSON=$($SIGCHAIN generate nkey --account --store --json)
AC_SK=$(echo "$AC_SK_JSON" | field public_key); AC_SK_FILE=$(echo "$AC_SK_JSON" | field path)
echo "$AC_SK"; echo "account key stored $AC_SK_FILE"
run edit account --sk "$AC_SK" -K "$OP_SK_FILE"
run describe account

run add user U -K "$AC_SK_FILE"
run describe user
run list keys

printf '\n\033[1m$ cat %s\033[0m\n' "$SIGCHAIN_HOME/creds/O2/A/U.creds"
sed -E 's/^(SU[A-Z2-7]{6})[A-Z2-7]+/\1…(seed hidden)/' "$SIGCHAIN_HOME/creds/O2/A/U.creds"

CREDS="$SIGCHAIN_HOME/creds/O2/A/U.creds"
run verify "$CREDS"

# The account signing key leaks: one command replaces it and re-issues what it signed.
cp "$CREDS" "$SIGCHAIN_HOME/U-before.creds"
run keys compromised "$AC_SK"
run keys compromised "$AC_SK" --apply
run verify "$CREDS"
printf '\n\033[1m$ sigchain verify %s\033[0m   # the creds from before: refused\n' "$SIGCHAIN_HOME/U-before.creds"
if $SIGCHAIN verify "$SIGCHAIN_HOME/U-before.creds"; then echo "quickstart: the old creds still verify" >&2; exit 1; fi

run nats server-config -o "$SIGCHAIN_HOME/server.conf"
echo
echo "Done. Start a server with:  nats-server -c $SIGCHAIN_HOME/server.conf"
echo "and connect with the creds: $SIGCHAIN_HOME/creds/O2/A/U.creds"
