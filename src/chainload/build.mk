# Chain-loading tools for run scripts (doc/chainload.md).
# setuidgid and envuidgid look up accounts: glibc's NSS needs dynamic linking.
PROGS += setuidgid envuidgid envdir softlimit setlock pgrphack fghack
setuidgid_SRCS = src/chainload/setuidgid.c src/chainload/chain_account.c \
                 src/chainload/chain_options.c src/chainload/chain_exec.c
setuidgid_DYNAMIC = 1
envuidgid_SRCS = src/chainload/envuidgid.c src/chainload/chain_account.c \
                 src/chainload/chain_exec.c
envuidgid_DYNAMIC = 1
envdir_SRCS = src/chainload/envdir.c src/chainload/envdir_value.c \
              src/chainload/chain_exec.c
softlimit_SRCS = src/chainload/softlimit.c src/chainload/chain_exec.c
setlock_SRCS = src/chainload/setlock.c src/chainload/chain_options.c \
               src/chainload/chain_exec.c
pgrphack_SRCS = src/chainload/pgrphack.c src/chainload/chain_exec.c
fghack_SRCS = src/chainload/fghack.c src/chainload/chain_exec.c
