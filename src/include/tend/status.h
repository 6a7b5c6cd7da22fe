/* supervise/status: runit's 20 bytes, then tend's versioned extension.
   Every byte is described in doc/status.md. */
#ifndef TEND_STATUS_H
#define TEND_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <tend/tai64n.h>

#define TEND_STATUS_DAEMONTOOLS 18 /* what daemontools' svstat reads */
#define TEND_STATUS_COMPAT 20      /* what runit's sv reads */
#define TEND_STATUS_VERSION 1
#define TEND_STATUS_SIZE 80

enum tend_state {
  TEND_STATE_DOWN = 0,
  TEND_STATE_RUN = 1,
  TEND_STATE_FINISH = 2
};

/* Bits of the extension's flags byte (doc/status.md). */
#define TEND_FLAG_READY 0x01    /* the service reported readiness */
#define TEND_FLAG_ADOPTED 0x02  /* ./run adopted from a killed supervise */
#define TEND_FLAG_STOPPING 0x04 /* a stop is under way: tree not gone yet */
#define TEND_FLAG_EXITING 0x08  /* x received: exit once down */
#define TEND_FLAG_NOSTART 0x10  /* ./finish exited 125: no restart */

#define TEND_WSTATUS_NONE 0xffffffffU

typedef struct tend_status {
  tend_stamp when; /* last change of pid */
  uint32_t pid;    /* ./run, or ./finish while it runs; 0 = none */
  unsigned char paused;
  unsigned char want; /* 'u', 'd', or 0 for once */
  unsigned char termsent;
  unsigned char state; /* enum tend_state */
  /* extension, read only when byte 20 is TEND_STATUS_VERSION */
  unsigned char version;      /* TEND_STATUS_VERSION, or 0 = not read */
  unsigned char version_read; /* byte 20 as found; 0 = no extension */
  unsigned char flags;
  uint32_t starts; /* times ./run was started by this directory's supervisors */
  uint32_t
      lastwait; /* raw wait status of the last ./run, or TEND_WSTATUS_NONE */
  tend_stamp started; /* last start of ./run */
  tend_stamp ready;   /* when the current ./run became ready; sec 0 = not */
  tend_stamp restart; /* when a pending restart is due; sec 0 = none */
  uint32_t deaths;    /* quick deaths in a row (restart backoff) */
  uint32_t delay_ms;  /* the current restart delay */
  uint32_t svpid;     /* pid of the supervise that wrote the file */
} tend_status;

extern void tend_status_pack(char *out, tend_status const *);
/* Returns 1 on success, 0 if the buffer is too short to be a status. An
   extension of a version other than TEND_STATUS_VERSION is not read
   (version 0, version_read says which it was). */
extern int tend_status_unpack(tend_status *, char const *in, size_t len);
/* The checks of doc/status.md ("Reading an extension"): 0 if the
   extension is sane enough to be shown as fact at time NOW, else the name
   of the first field that is not ("restart time"). 0 without extension. */
extern char const *tend_status_check(tend_status const *,
                                     tend_stamp const *now);
/* Reads DIR/supervise/status (DIR may be 0 for the current directory).
   Returns 1 on success, 0 on a bad format, -1 on error with errno set
   (TEND_EFTYPE: status is a symlink or not a regular file). */
extern int tend_status_read(tend_status *, char const *dir);
/* The same from FD, opened by the caller and closed here (FD -1: returns
   -1, errno as the failed open left it). */
extern int tend_status_read_fd(tend_status *, int fd);
/* Writes supervise/status.new then renames it over supervise/status,
   relative to the current directory. Returns 0, or -1 with errno set. */
extern int tend_status_write(tend_status const *);

#endif
