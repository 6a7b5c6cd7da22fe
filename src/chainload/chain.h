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

/* Options that are letters alone (setlock, setuidgid): a lowercase letter
   of opts turns its flag on, the same letter in uppercase (if opts has
   it) turns it off again, the last one wins; *on gets the bits
   CHAIN_FLAG(letter) of the flags left on. Returns argv at the first
   operand; fewer than two (the file or account, and the child) is the
   usage error. */
#define CHAIN_FLAG(letter) (1u << ((letter) - 'a'))
extern char **chain_options(int argc, char **argv, char const *opts,
                            char const *usage, unsigned *on);

#endif
