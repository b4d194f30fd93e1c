/*
 * udpfwd - the plain C baseline for the relay benchmark: one thread, epoll, no RTP logic beyond
 * a version check, forwarding each datagram to a fixed destination.
 *
 *   udpfwd -m MAP [-M] [-C] [-t MAX_SECONDS]
 *
 * MAP is the file rtpgen reads ("SEND_PORT RELAY_PORT RECV_PORT" per stream). For every line
 * udpfwd binds RELAY_PORT on 127.0.0.1 and forwards what arrives there to 127.0.0.1:RECV_PORT out
 * of a second socket of its own (like the Java relay, which sends from the peer leg's port).
 *
 * Default (plain): like the Java RelayLoop - on each ready socket recvfrom until EAGAIN (at
 * most 64), one sendto per packet. -M: recvmmsg up to 64 packets per ready socket and send them
 * with one sendmmsg, stopping at a short batch (epoll is level-triggered), so the EAGAIN read is
 * saved too. -C: connect() each sending socket to its destination (the kernel then keeps the
 * route instead of looking it up per packet) and send without an address.
 *
 * Stops on SIGTERM/SIGINT or after MAX_SECONDS (default 3600); prints "FWD forwarded=.. ..".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define BURST 64
#define BUF 2048

struct route {
  int in_fd;
  int out_fd;
  struct sockaddr_in to;
};

static volatile sig_atomic_t stop;
static int connected;
static uint64_t forwarded, dropped, recv_calls, send_calls, empty_reads, send_errors;

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static int udp_socket(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  int sz = 1 << 20; /* what PortAllocator asks for on the relay's sockets */
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "bind 127.0.0.1:%d: %s\n", port, strerror(errno));
    exit(2);
  }
  return fd;
}

static uint8_t bufs[BURST][BUF];

static void forward_plain(struct route *r) {
  for (int i = 0; i < BURST; i++) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    recv_calls++;
    ssize_t n = recvfrom(r->in_fd, bufs[0], BUF, 0, (struct sockaddr *)&from, &fl);
    if (n < 0) {
      empty_reads++;
      return;
    }
    if (n < 12 || (bufs[0][0] & 0xC0) != 0x80) {
      dropped++;
      continue;
    }
    send_calls++;
    ssize_t sent = connected ? send(r->out_fd, bufs[0], (size_t)n, 0)
                             : sendto(r->out_fd, bufs[0], (size_t)n, 0, (struct sockaddr *)&r->to,
                                      sizeof r->to);
    if (sent < 0) {
      send_errors++;
    } else {
      forwarded++;
    }
  }
}

static struct mmsghdr in_msgs[BURST], out_msgs[BURST];
static struct iovec in_iov[BURST], out_iov[BURST];
static struct sockaddr_in froms[BURST];

static void forward_mmsg(struct route *r) {
  for (;;) {
    for (int i = 0; i < BURST; i++) {
      in_iov[i].iov_base = bufs[i];
      in_iov[i].iov_len = BUF;
      memset(&in_msgs[i].msg_hdr, 0, sizeof in_msgs[i].msg_hdr);
      in_msgs[i].msg_hdr.msg_name = &froms[i];
      in_msgs[i].msg_hdr.msg_namelen = sizeof froms[i];
      in_msgs[i].msg_hdr.msg_iov = &in_iov[i];
      in_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    recv_calls++;
    int n = recvmmsg(r->in_fd, in_msgs, BURST, MSG_DONTWAIT, NULL);
    if (n <= 0) {
      empty_reads++;
      return;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
      unsigned len = in_msgs[i].msg_len;
      if (len < 12 || (bufs[i][0] & 0xC0) != 0x80) {
        dropped++;
        continue;
      }
      out_iov[k].iov_base = bufs[i];
      out_iov[k].iov_len = len;
      memset(&out_msgs[k].msg_hdr, 0, sizeof out_msgs[k].msg_hdr);
      out_msgs[k].msg_hdr.msg_name = connected ? NULL : &r->to;
      out_msgs[k].msg_hdr.msg_namelen = connected ? 0 : sizeof r->to;
      out_msgs[k].msg_hdr.msg_iov = &out_iov[k];
      out_msgs[k].msg_hdr.msg_iovlen = 1;
      k++;
    }
    int off = 0;
    while (off < k) {
      send_calls++;
      int s = sendmmsg(r->out_fd, out_msgs + off, (unsigned)(k - off), 0);
      if (s <= 0) {
        send_errors += (uint64_t)(k - off);
        break;
      }
      forwarded += (uint64_t)s;
      off += s;
    }
    if (n < BURST) return;
  }
}

int main(int argc, char **argv) {
  const char *map = NULL;
  int mmsg = 0, opt;
  double max_s = 3600;
  while ((opt = getopt(argc, argv, "m:MCt:")) != -1) {
    switch (opt) {
      case 'm': map = optarg; break;
      case 'M': mmsg = 1; break;
      case 'C': connected = 1; break;
      case 't': max_s = atof(optarg); break;
      default:
        fprintf(stderr, "usage: udpfwd -m MAP [-M] [-C] [-t MAX_SECONDS]\n");
        return 2;
    }
  }
  if (!map) {
    fprintf(stderr, "usage: udpfwd -m MAP [-M] [-C] [-t MAX_SECONDS]\n");
    return 2;
  }
  FILE *f = fopen(map, "r");
  if (!f) die(map);
  int cap = 1024, n = 0;
  struct route *routes = malloc(sizeof *routes * cap);
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    int a, relay, b;
    int k = sscanf(line, "%d %d %d", &a, &relay, &b);
    if (k <= 0) continue;
    if (k != 3) {
      fprintf(stderr, "%s: bad line: %s\n", map, line);
      return 2;
    }
    if (n == cap) {
      cap *= 2;
      routes = realloc(routes, sizeof *routes * cap);
    }
    struct route *r = &routes[n];
    r->in_fd = udp_socket(relay);
    r->out_fd = udp_socket(0);
    r->to.sin_family = AF_INET;
    r->to.sin_port = htons(b);
    r->to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connected && connect(r->out_fd, (struct sockaddr *)&r->to, sizeof r->to) < 0) die("connect");
    n++;
  }
  fclose(f);
  /* pointers into routes are stable from here on */
  for (int i = 0; i < n; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &routes[i]};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, routes[i].in_fd, &ev) < 0) die("epoll_ctl");
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  fprintf(stderr, "udpfwd: %d routes, %s%s\n", n, mmsg ? "recvmmsg/sendmmsg" : "recvfrom/sendto",
          connected ? ", connected sending sockets" : "");
  printf("READY\n");
  fflush(stdout);
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  struct epoll_event evs[1024];
  uint64_t waits = 0;
  while (!stop) {
    int k = epoll_wait(ep, evs, 1024, 200);
    waits++;
    for (int i = 0; i < k; i++) {
      if (mmsg) {
        forward_mmsg(evs[i].data.ptr);
      } else {
        forward_plain(evs[i].data.ptr);
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((double)(now.tv_sec - start.tv_sec) > max_s) break;
  }
  printf("FWD forwarded=%llu dropped=%llu send_errors=%llu epoll_waits=%llu recv_calls=%llu "
         "empty_reads=%llu send_calls=%llu\n",
         (unsigned long long)forwarded, (unsigned long long)dropped,
         (unsigned long long)send_errors, (unsigned long long)waits,
         (unsigned long long)recv_calls, (unsigned long long)empty_reads,
         (unsigned long long)send_calls);
  return 0;
}
