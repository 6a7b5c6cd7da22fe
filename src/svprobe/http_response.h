/* An HTTP/1.x response judged as it arrives, in a fixed amount of memory:
   the status line decides, unless a text must be found in the body; then
   the headers say how the body ends (Content-Length, chunked, or the end
   of the connection) and the body is searched as it streams past. */
#ifndef SVPROBE_HTTP_RESPONSE_H
#define SVPROBE_HTTP_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX 1024        /* the part of a line that is looked at */
#define HTTP_TEXT_MAX 1024        /* the longest -c TEXT */
#define HTTP_HEAD_MAX (64 * 1024) /* status lines and headers, in all */

enum http_verdict { HTTP_MORE, HTTP_HEALTHY, HTTP_UNHEALTHY };

typedef struct http_response {
  int want;         /* 100..599: that status; 1..5: any status of a class */
  char const *text; /* must appear in the body, or 0 */
  size_t textlen;   /* 1..HTTP_TEXT_MAX when text is set */
  size_t matched;   /* bytes of the text matched so far */
  int phase;
  char line[HTTP_LINE_MAX];
  size_t linelen;   /* bytes kept in line (the rest of a long line is not) */
  size_t headbytes; /* bytes of status lines and headers so far */
  int verdict;      /* HTTP_MORE until decided */
  int status;       /* of the final response, once known */
  int truncated;    /* the current line was longer than HTTP_LINE_MAX */
  int chunked;      /* Transfer-Encoding ends in chunked */
  int length_known; /* Content-Length was given, and no Transfer-Encoding */
  int encoded;      /* a Transfer-Encoding was given */
  uint64_t left;    /* of the Content-Length, or of the current chunk */
  char why[256];    /* after HTTP_UNHEALTHY: the reason, on one line */
  size_t next[HTTP_TEXT_MAX]; /* the text's Knuth-Morris-Pratt table (last:
                                 its pages are touched only with a text) */
} http_response;

/* WANT as above; TEXT (LEN bytes, 1..HTTP_TEXT_MAX) or 0. */
extern void http_response_init(http_response *, int want, char const *text,
                               size_t len);
/* The next LEN bytes from the server. Returns HTTP_MORE until a verdict;
   after a verdict, no more bytes are looked at. */
extern int http_response_feed(http_response *, char const *buf, size_t len);
/* The server closed the connection. Returns the verdict. */
extern int http_response_eof(http_response *);
/* What the probe waits for, for a timeout message: "waiting for the
   response", "reading the headers", "reading the body". */
extern char const *http_response_waiting(http_response const *);

#endif
