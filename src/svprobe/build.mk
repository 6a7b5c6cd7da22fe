PROGS += svprobe
svprobe_SRCS = src/svprobe/svprobe.c src/svprobe/address.c \
               src/svprobe/http_response.c
# Dynamic, unlike the other programs: a name goes to getaddrinfo, which runs
# the NSS modules nsswitch.conf lists (files and dns, but also myhostname,
# resolve, mdns, ldap...). A static glibc can only dlopen those from the
# very glibc version it was linked with, so a static svprobe would resolve
# differently from the rest of the system, or break after a libc upgrade.
# The dynamic loader costs about as much CPU as a second exec of a static
# program (bench/svprobe.sh shows both floors); a numeric address never
# touches the resolver, and a name is resolved in a child process so that
# -T covers it (address.c).
svprobe_DYNAMIC = 1
