/* Shared by the chain-loading programs of src/chainload/: running the rest
   of the command line and looking up accounts (options: tend/getopt.h). */
#ifndef TEND_CHAIN_H
#define TEND_CHAIN_H

/* Runs argv[0] (looked up in $PATH if it has no slash) with the arguments
   argv and the current environment; on failure prints "prog: fatal:
   unable to run X: REASON" and exits 111. Never goes through a shell. */
extern void chain_exec(char **argv) __attribute__((noreturn));
/* The same, looking argv[0] up in path (0: unset) and giving it envp. */
extern void chain_exec_env(char **argv, char const *path, char **envp)
    __attribute__((noreturn));

/* The passwd entry of account, or "prog: fatal: unknown account X" and
   exit 111. */
struct passwd;
extern struct passwd *chain_account(char const *account);

#endif
