/* status_craft FILE [FIELD=VALUE]...: writes a supervise/status file with
   the fields given (the rest zero, lastwait none), for tests that need a
   status no supervise would write. Fields: when, started, ready, restart
   (stamps: 0, now, now+N, now-N in seconds, or label:HEX for a raw TAI64
   label); pid, paused, want, termsent, state, flags, starts, lastwait,
   deaths, delay, svpid (numbers, 0x... for hex; want also takes u or d);
   version (byte 20 as written); len (bytes written, default 80). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tend/status.h>

static void die(char const *what) {
  fprintf(stderr, "status_craft: %s\n", what);
  exit(100);
}

static void stamp(tend_stamp *s, char const *v) {
  tend_stamp now;
  tend_stamp_now(&now);
  s->nsec = 0;
  if (!strcmp(v, "0"))
    s->sec = 0;
  else if (!strncmp(v, "label:", 6))
    s->sec = strtoull(v + 6, 0, 16);
  else if (!strcmp(v, "now"))
    s->sec = now.sec;
  else if (!strncmp(v, "now+", 4))
    s->sec = now.sec + strtoull(v + 4, 0, 10);
  else if (!strncmp(v, "now-", 4))
    s->sec = now.sec - strtoull(v + 4, 0, 10);
  else
    die("bad stamp");
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage: status_craft FILE [FIELD=VALUE]...");
  tend_status st;
  memset(&st, 0, sizeof st);
  st.lastwait = TEND_WSTATUS_NONE;
  int version = TEND_STATUS_VERSION;
  size_t len = TEND_STATUS_SIZE;
  for (int i = 2; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) die("FIELD=VALUE expected");
    *eq = 0;
    char const *f = argv[i], *v = eq + 1;
    unsigned long long n = strtoull(v, 0, 0);
    if (!strcmp(f, "when"))
      stamp(&st.when, v);
    else if (!strcmp(f, "started"))
      stamp(&st.started, v);
    else if (!strcmp(f, "ready"))
      stamp(&st.ready, v);
    else if (!strcmp(f, "restart"))
      stamp(&st.restart, v);
    else if (!strcmp(f, "pid"))
      st.pid = (uint32_t)n;
    else if (!strcmp(f, "paused"))
      st.paused = (unsigned char)n;
    else if (!strcmp(f, "want"))
      st.want =
          (unsigned char)(*v == 'u' || *v == 'd' ? (unsigned long long)*v : n);
    else if (!strcmp(f, "termsent"))
      st.termsent = (unsigned char)n;
    else if (!strcmp(f, "state"))
      st.state = (unsigned char)n;
    else if (!strcmp(f, "flags"))
      st.flags = (unsigned char)n;
    else if (!strcmp(f, "starts"))
      st.starts = (uint32_t)n;
    else if (!strcmp(f, "lastwait"))
      st.lastwait = (uint32_t)n;
    else if (!strcmp(f, "deaths"))
      st.deaths = (uint32_t)n;
    else if (!strcmp(f, "delay"))
      st.delay_ms = (uint32_t)n;
    else if (!strcmp(f, "svpid"))
      st.svpid = (uint32_t)n;
    else if (!strcmp(f, "version"))
      version = (int)n;
    else if (!strcmp(f, "len"))
      len = (size_t)n;
    else
      die("unknown field");
  }
  char buf[TEND_STATUS_SIZE];
  tend_status_pack(buf, &st);
  buf[20] = (char)version;
  if (len > sizeof buf) die("len above 80");
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) < 0)
    die("unable to write the file");
  return 0;
}
