/* The socket file of a service directory (doc/servicedir.md, "Sockets"):
   one socket a line, parsed without touching the system, so that a fuzz
   harness (fuzz/socketfile.c) can feed it anything. */
#ifndef SOCKETFILE_H
#define SOCKETFILE_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SOCKETFILE_MAX 32    /* sockets a service may have: fds 3 to 34 */
#define SOCKETFILE_NAME 64   /* a name= is at most 63 bytes */
#define SOCKETFILE_OWNER 64  /* user[:group], at most 63 bytes */
#define SOCKETFILE_SIZE 4096 /* the file is at most 4095 bytes */
#define SOCKETFILE_LINE 512  /* a line is at most 511 bytes */

struct socketfile_entry {
  unsigned line;    /* its line number in the file, for messages */
  int family, type; /* AF_INET, AF_INET6, AF_UNIX; SOCK_STREAM, SOCK_DGRAM */
  union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
  } addr;
  socklen_t addrlen;
  int mode;                     /* unix: permissions, -1 if not given */
  char owner[SOCKETFILE_OWNER]; /* unix: user[:group], "" if not given */
  char name[SOCKETFILE_NAME];   /* for LISTEN_FDNAMES: "unknown" if not given */
};

/* Parses LINE (NUL-ended, without its newline). Returns 1 and fills *E
   (but E->line) for a socket, 0 for a blank line or a # comment, -1 for
   anything else, with *WHY saying what is wrong. */
extern int socketfile_line(char const *line, struct socketfile_entry *e,
                           char const **why);

/* Parses the LEN bytes of a whole file at BUF into E[0..MAX-1]. Returns the
   number of sockets, or -1 with *BADLINE (0 for the file as a whole) and *WHY
   set. */
extern int socketfile_parse(char const *buf, size_t len,
                            struct socketfile_entry *e, unsigned max,
                            unsigned *badline, char const **why);

#endif
