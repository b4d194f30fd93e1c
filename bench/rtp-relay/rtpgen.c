/*
 * rtpgen - RTP load generator and latency meter for the relay benchmark.
 *
 *   rtpgen -m MAP -r PPS -d SECONDS [-b BATCH] [-w DRAIN_MS] [-T 1|2] [-l LABEL]
 *
 * MAP has one line per one-way stream: "SEND_PORT RELAY_PORT RECV_PORT" ('#' starts a comment).
 * Every distinct port of the first and third columns is bound once on 127.0.0.1, so streams may
 * share a socket (a two-way call is two lines whose ports are crossed: "A R1 B" and "B R2 A").
 * Stream i sends from SEND_PORT to RELAY_PORT; what the relay forwards is expected on RECV_PORT.
 *
 * Packets are valid RTP: v=2, PT 0 (PCMU), marker on the first, 160 bytes of payload, per-stream
 * random SSRC and initial sequence number, timestamp +160 per packet. The payload starts with a
 * probe (magic, run id, stream, global packet number, CLOCK_MONOTONIC and CLOCK_REALTIME send
 * times; packets of an earlier run, still queued somewhere, are counted as stale and ignored) and
 * is otherwise 0xFF (u-law silence). Packet g (g = 0, 1, ...) goes to stream g mod N at
 * t0 + g/PPS, so each stream sends every N/PPS seconds and the total rate is PPS.
 *
 * Latency is measured twice, both "receive time - send time stamped just before sendmmsg":
 *   app    CLOCK_MONOTONIC when recvmmsg returned it here: includes any delay of this process;
 *   kernel the packet's SO_TIMESTAMPNS (CLOCK_REALTIME, stamped when the relay's send entered the
 *          loopback device): the relay's added latency plus the loopback path, without this
 *          process's own scheduling.
 * Packets of one sendmmsg share one stamp, exact only for the first: latency is measured on the
 * first packet of each sendmmsg (all packets with -b 1, or with one socket per stream, where a
 * batch has one packet anyway); loss, order and duplicates on all of them.
 *
 * -T 1 (default): one thread sends on schedule and receives in between (busy: meant to own a CPU).
 * -T 2: a sender thread that sleeps to its schedule and a receiver thread blocked in epoll_wait.
 *
 * The report ends with one machine-readable line:
 *   RESULT label=.. streams=.. offered_pps=.. sent=.. received=.. lost=.. dup=.. reordered=..
 *          bad=.. fwd_pps=.. app_p50_us=.. app_p99_us=.. app_max_us=.. k_p50_us=.. k_p99_us=..
 *          k_p999_us=.. k_max_us=.. send_lag_max_ms=.. gen_sock_drops=.. gen_cpu_pct=.. gen_cpu_s=..
 * Exit status: 0 when nothing was lost, 1 when packets were lost, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define RTP_HEADER 12
#define PAYLOAD 160
#define PACKET (RTP_HEADER + PAYLOAD)
#define MAGIC 0x5247454EU /* "RGEN" */
#define MAX_BATCH 64
#define RX_BATCH 64
#define RX_BUF 2048
#define HIST_NS 100              /* histogram bucket width */
#define HIST_BUCKETS 1000000     /* 100 ns x 1e6 = 100 ms; slower packets go to the last one */
#define SOCK_BUF (8 << 20)

/* the probe at the start of the payload */
struct probe {
  uint32_t magic;
  uint32_t run; /* random per run: packets of an earlier run still in flight are ignored */
  uint32_t stream;
  uint32_t exact; /* 1: first of its sendmmsg, so its send stamp is exact: used for latency */
  uint64_t global;
  uint64_t tx_mono_ns;
  uint64_t tx_real_ns;
};

struct stream {
  int send_fd;
  struct sockaddr_in relay;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  int64_t last_rx; /* highest global packet number received, -1 before the first */
};

struct hist {
  uint32_t *b;
  uint64_t n;
  uint64_t max_ns;
};

static struct stream *streams;
static int nstreams;
static int *fds; /* distinct bound sockets */
static int *fd_ports;
static int nfds;
static int ep;
static double rate;
static double seconds;
static uint64_t total;
static int batch = 1;
static int drain_ms = 1000;
static const char *label = "run";

static uint64_t t0;
static uint64_t sent; /* written by the sender, read by the receiver with __atomic */
static volatile int send_done;
static uint64_t send_done_ns;
static uint64_t send_lag_max_ns;
static uint64_t send_errors;

static uint8_t *seen; /* one bit per global packet number */
static uint32_t run_id;
static uint64_t received, dups, reordered, bad, stale;
static uint64_t first_rx_ns, last_rx_ns;
static struct hist app_hist, k_hist;

static uint64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(2);
}

static void usage(void) {
  fprintf(stderr, "usage: rtpgen -m MAP -r PPS -d SECONDS [-b BATCH] [-w DRAIN_MS] [-T 1|2] "
                  "[-l LABEL]\n");
  exit(2);
}

static int find_or_bind(int port) {
  for (int i = 0; i < nfds; i++) {
    if (fd_ports[i] == port) return fds[i];
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  int sz = SOCK_BUF, one = 1;
  /* root may exceed net.core.[rw]mem_max; otherwise the plain option, capped by the kernel */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz) < 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) die("SO_TIMESTAMPNS");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "bind 127.0.0.1:%d: %s\n", port, strerror(errno));
    exit(2);
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  fds[nfds] = fd;
  fd_ports[nfds] = port;
  nfds++;
  return fd;
}

static void read_map(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die(path);
  int cap = 1024;
  char line[256];
  int lines = 0;
  /* first pass keeps the ports; sockets are bound once all lines are known */
  int(*ports)[3] = malloc(sizeof(int[3]) * cap);
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    int a, r, b;
    int n = sscanf(line, "%d %d %d", &a, &r, &b);
    if (n <= 0) continue;
    if (n != 3) {
      fprintf(stderr, "%s: bad line: %s\n", path, line);
      exit(2);
    }
    if (lines == cap) {
      cap *= 2;
      ports = realloc(ports, sizeof(int[3]) * cap);
    }
    ports[lines][0] = a;
    ports[lines][1] = r;
    ports[lines][2] = b;
    lines++;
  }
  fclose(f);
  if (lines == 0) {
    fprintf(stderr, "%s: no streams\n", path);
    exit(2);
  }
  nstreams = lines;
  streams = calloc(lines, sizeof *streams);
  fds = calloc(2 * lines, sizeof *fds);
  fd_ports = calloc(2 * lines, sizeof *fd_ports);
  srandom((unsigned)now_ns(CLOCK_REALTIME));
  for (int i = 0; i < lines; i++) {
    struct stream *s = &streams[i];
    s->send_fd = find_or_bind(ports[i][0]);
    find_or_bind(ports[i][2]);
    s->relay.sin_family = AF_INET;
    s->relay.sin_port = htons(ports[i][1]);
    s->relay.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->seq = (uint16_t)random();
    s->ts = (uint32_t)random();
    s->ssrc = (uint32_t)random() ^ ((uint32_t)random() << 16);
    s->last_rx = -1;
  }
  free(ports);
}

/* Drops the kernel counted on our sockets (receive buffer full), from /proc/net/udp. */
static uint64_t socket_drops(void) {
  static uint8_t ours[65536];
  for (int i = 0; i < nfds; i++) ours[fd_ports[i]] = 1;
  FILE *f = fopen("/proc/net/udp", "r");
  if (!f) return 0;
  char line[512];
  uint64_t drops = 0;
  if (!fgets(line, sizeof line, f)) {
    fclose(f);
    return 0;
  }
  while (fgets(line, sizeof line, f)) {
    unsigned port;
    if (sscanf(line, "%*d: %*x:%x", &port) != 1 || port > 65535 || !ours[port]) continue;
    char *last = strrchr(line, ' ');
    if (last) drops += strtoull(last + 1, NULL, 10);
  }
  fclose(f);
  return drops;
}

static void fill_packet(uint8_t *p, uint64_t g, uint64_t mono, uint64_t real, int exact) {
  struct stream *s = &streams[g % nstreams];
  int first = g < (uint64_t)nstreams;
  p[0] = 0x80;
  p[1] = (uint8_t)(first ? 0x80 : 0x00); /* marker on the first packet, PT 0 */
  p[2] = (uint8_t)(s->seq >> 8);
  p[3] = (uint8_t)s->seq;
  p[4] = (uint8_t)(s->ts >> 24);
  p[5] = (uint8_t)(s->ts >> 16);
  p[6] = (uint8_t)(s->ts >> 8);
  p[7] = (uint8_t)s->ts;
  p[8] = (uint8_t)(s->ssrc >> 24);
  p[9] = (uint8_t)(s->ssrc >> 16);
  p[10] = (uint8_t)(s->ssrc >> 8);
  p[11] = (uint8_t)s->ssrc;
  s->seq++;
  s->ts += PAYLOAD;
  struct probe pr = {MAGIC, run_id, (uint32_t)(g % nstreams), (uint32_t)exact, g, mono, real};
  memcpy(p + RTP_HEADER, &pr, sizeof pr);
}

/*
 * Sends packets [from, from+count) whose streams share the send socket of packet `from`, in one
 * sendmmsg; returns how many went out (0 if the socket buffer is full).
 */
static uint8_t tx_buf[MAX_BATCH][PACKET];
static struct mmsghdr tx_msgs[MAX_BATCH];
static struct iovec tx_iov[MAX_BATCH];

static int send_batch(uint64_t from, int count) {
  int fd = streams[from % nstreams].send_fd;
  int n = 0;
  while (n < count && streams[(from + n) % nstreams].send_fd == fd) n++;
  uint64_t mono = now_ns(CLOCK_MONOTONIC), real = now_ns(CLOCK_REALTIME);
  for (int i = 0; i < n; i++) {
    fill_packet(tx_buf[i], from + i, mono, real, i == 0);
    tx_iov[i].iov_base = tx_buf[i];
    tx_iov[i].iov_len = PACKET;
    memset(&tx_msgs[i].msg_hdr, 0, sizeof tx_msgs[i].msg_hdr);
    tx_msgs[i].msg_hdr.msg_name = &streams[(from + i) % nstreams].relay;
    tx_msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
    tx_msgs[i].msg_hdr.msg_iov = &tx_iov[i];
    tx_msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int done = sendmmsg(fd, tx_msgs, n, 0);
  if (done < 0) {
    send_errors++;
    done = 0;
  }
  if (done < n) {
    /* not sent: undo the per-stream header state so the packets go out again unchanged */
    for (int i = n - 1; i >= done; i--) {
      struct stream *s = &streams[(from + i) % nstreams];
      s->seq--;
      s->ts -= PAYLOAD;
    }
  }
  return done;
}

/* Sends everything due by now (at most `budget` packets); returns the number sent. */
static int send_due(uint64_t now, int budget) {
  if (now < t0) return 0;
  uint64_t due = (uint64_t)((double)(now - t0) * rate / 1e9) + 1;
  if (due > total) due = total;
  uint64_t s = __atomic_load_n(&sent, __ATOMIC_RELAXED);
  if (due > s) {
    uint64_t sched = t0 + (uint64_t)((double)s * 1e9 / rate);
    if (now - sched > send_lag_max_ns) send_lag_max_ns = now - sched;
  }
  int done = 0;
  while (s < due && done < budget) {
    int want = (int)(due - s);
    if (want > batch) want = batch;
    if (want > budget - done) want = budget - done;
    int n = send_batch(s, want);
    if (n == 0) break;
    s += n;
    done += n;
    __atomic_store_n(&sent, s, __ATOMIC_RELEASE);
  }
  return done;
}

static void hist_add(struct hist *h, int64_t ns) {
  if (ns < 0) ns = 0;
  uint64_t i = (uint64_t)ns / HIST_NS;
  if (i >= HIST_BUCKETS) i = HIST_BUCKETS - 1;
  h->b[i]++;
  h->n++;
  if ((uint64_t)ns > h->max_ns) h->max_ns = (uint64_t)ns;
}

static double hist_pct_us(const struct hist *h, double p) {
  if (h->n == 0) return 0;
  uint64_t want = (uint64_t)(p * (double)h->n);
  if (want >= h->n) want = h->n - 1;
  uint64_t acc = 0;
  for (uint64_t i = 0; i < HIST_BUCKETS; i++) {
    acc += h->b[i];
    if (acc > want) return (double)((i + 1) * HIST_NS) / 1000.0; /* bucket's upper edge */
  }
  return (double)h->max_ns / 1000.0;
}

static uint8_t rx_buf[RX_BATCH][RX_BUF];
static char rx_ctl[RX_BATCH][CMSG_SPACE(sizeof(struct timespec)) + 64];
static struct mmsghdr rx_msgs[RX_BATCH];
static struct iovec rx_iov[RX_BATCH];

static void on_packet(const uint8_t *p, int len, struct msghdr *h, uint64_t mono) {
  struct probe pr;
  if (len != PACKET || (p[0] & 0xC0) != 0x80 || (p[1] & 0x7F) != 0) {
    bad++;
    return;
  }
  memcpy(&pr, p + RTP_HEADER, sizeof pr);
  if (pr.magic == MAGIC && pr.run != run_id) {
    stale++;
    return;
  }
  if (pr.magic != MAGIC || pr.stream >= (uint32_t)nstreams || pr.global >= total ||
      pr.global % nstreams != pr.stream) {
    bad++;
    return;
  }
  uint8_t bit = (uint8_t)(1u << (pr.global & 7));
  if (seen[pr.global >> 3] & bit) {
    dups++;
    return;
  }
  seen[pr.global >> 3] |= bit;
  received++;
  if (first_rx_ns == 0) first_rx_ns = mono;
  last_rx_ns = mono;
  struct stream *s = &streams[pr.stream];
  if ((int64_t)pr.global < s->last_rx) {
    reordered++;
  } else {
    s->last_rx = (int64_t)pr.global;
  }
  if (!pr.exact) return;
  hist_add(&app_hist, (int64_t)(mono - pr.tx_mono_ns));
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      uint64_t k = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
      hist_add(&k_hist, (int64_t)(k - pr.tx_real_ns));
    }
  }
}

/* Reads what is queued on fd; stops at a short batch (epoll is level-triggered). */
static void drain(int fd) {
  for (;;) {
    for (int i = 0; i < RX_BATCH; i++) {
      rx_iov[i].iov_base = rx_buf[i];
      rx_iov[i].iov_len = RX_BUF;
      memset(&rx_msgs[i].msg_hdr, 0, sizeof rx_msgs[i].msg_hdr);
      rx_msgs[i].msg_hdr.msg_iov = &rx_iov[i];
      rx_msgs[i].msg_hdr.msg_iovlen = 1;
      rx_msgs[i].msg_hdr.msg_control = rx_ctl[i];
      rx_msgs[i].msg_hdr.msg_controllen = sizeof rx_ctl[i];
    }
    int n = recvmmsg(fd, rx_msgs, RX_BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    uint64_t mono = now_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < n; i++) {
      on_packet(rx_buf[i], (int)rx_msgs[i].msg_len, &rx_msgs[i].msg_hdr, mono);
    }
    if (n < RX_BATCH) return;
  }
}

static int receive_some(int timeout_ms) {
  struct epoll_event evs[256];
  int n = epoll_wait(ep, evs, 256, timeout_ms);
  for (int i = 0; i < n; i++) drain(evs[i].data.fd);
  return n;
}

/* true once everything sent has come back or the drain time after the last send has passed */
static int finished(void) {
  if (!send_done) return 0;
  uint64_t now = now_ns(CLOCK_MONOTONIC);
  return received >= __atomic_load_n(&sent, __ATOMIC_ACQUIRE) ||
         now - send_done_ns > (uint64_t)drain_ms * 1000000ULL;
}

static void run_single_thread(void) {
  for (;;) {
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    if (!send_done) {
      send_due(now, 256);
      if (sent >= total) {
        send_done_ns = now_ns(CLOCK_MONOTONIC);
        send_done = 1;
      }
    }
    if (finished()) return;
    int timeout = 0;
    if (send_done) {
      timeout = 10;
    } else {
      uint64_t next = t0 + (uint64_t)((double)sent * 1e9 / rate);
      if (next > now + 2000000) timeout = 1;
    }
    receive_some(timeout);
  }
}

static void *sender_main(void *arg) {
  (void)arg;
  prctl(PR_SET_TIMERSLACK, 1UL);
  while (sent < total) {
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    send_due(now, 1 << 30);
    if (sent >= total) break;
    /* sleep until a whole batch is due */
    uint64_t next = t0 + (uint64_t)((double)(sent + batch - 1) * 1e9 / rate);
    if (next > now) {
      struct timespec ts = {(time_t)(next / 1000000000ULL), (long)(next % 1000000000ULL)};
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
  }
  send_done_ns = now_ns(CLOCK_MONOTONIC);
  __atomic_store_n(&send_done, 1, __ATOMIC_RELEASE);
  return NULL;
}

static void run_two_threads(void) {
  pthread_t tx;
  if (pthread_create(&tx, NULL, sender_main, NULL) != 0) die("pthread_create");
  while (!finished()) receive_some(10);
  pthread_join(tx, NULL);
}

int main(int argc, char **argv) {
  const char *map = NULL;
  int threads = 1, opt;
  while ((opt = getopt(argc, argv, "m:r:d:b:w:T:l:")) != -1) {
    switch (opt) {
      case 'm': map = optarg; break;
      case 'r': rate = atof(optarg); break;
      case 'd': seconds = atof(optarg); break;
      case 'b': batch = atoi(optarg); break;
      case 'w': drain_ms = atoi(optarg); break;
      case 'T': threads = atoi(optarg); break;
      case 'l': label = optarg; break;
      default: usage();
    }
  }
  if (!map || rate <= 0 || seconds <= 0 || batch < 1 || batch > MAX_BATCH || drain_ms < 0 ||
      (threads != 1 && threads != 2))
    usage();
  signal(SIGPIPE, SIG_IGN);
  ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  read_map(map);
  total = (uint64_t)(rate * seconds);
  seen = calloc(total / 8 + 1, 1);
  app_hist.b = calloc(HIST_BUCKETS, sizeof(uint32_t));
  k_hist.b = calloc(HIST_BUCKETS, sizeof(uint32_t));
  if (!seen || !app_hist.b || !k_hist.b) die("calloc");
  fprintf(stderr, "rtpgen %s: %d streams, %d sockets, %.0f pps for %.1f s (%llu packets), "
                  "%.1f pps per stream, batch %d, %d thread(s)\n",
          label, nstreams, nfds, rate, seconds, (unsigned long long)total, rate / nstreams, batch,
          threads);
  run_id = (uint32_t)random() ^ (uint32_t)getpid();
  uint64_t drops_before = socket_drops();
  t0 = now_ns(CLOCK_MONOTONIC) + 20000000ULL;
  if (threads == 1) {
    run_single_thread();
  } else {
    run_two_threads();
  }
  uint64_t drops = socket_drops() - drops_before;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  double wall_s = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
  double send_s = (double)(send_done_ns - t0) / 1e9;
  double fwd_s = last_rx_ns > t0 ? (double)(last_rx_ns - t0) / 1e9 : 0;
  uint64_t lost = sent - received;
  printf("%s: sent %llu in %.3f s (%.0f pps, schedule lag max %.2f ms, send errors %llu)\n",
         label, (unsigned long long)sent, send_s, (double)sent / send_s,
         (double)send_lag_max_ns / 1e6, (unsigned long long)send_errors);
  printf("%s: received %llu (lost %llu = %.4f%%, dup %llu, reordered %llu, bad %llu, stale %llu), "
         "%.0f pps forwarded\n",
         label, (unsigned long long)received, (unsigned long long)lost,
         sent ? 100.0 * (double)lost / (double)sent : 0.0, (unsigned long long)dups,
         (unsigned long long)reordered, (unsigned long long)bad, (unsigned long long)stale,
         fwd_s > 0 ? (double)received / fwd_s : 0.0);
  printf("%s: drops on rtpgen's own sockets %llu; rtpgen CPU %.0f%% of one core\n", label,
         (unsigned long long)drops, 100.0 * cpu_s / wall_s);
  printf("%s: latency app    p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us\n", label,
         hist_pct_us(&app_hist, 0.50), hist_pct_us(&app_hist, 0.99),
         hist_pct_us(&app_hist, 0.999), (double)app_hist.max_ns / 1000.0);
  printf("%s: latency kernel p50 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us (%llu samples)\n",
         label, hist_pct_us(&k_hist, 0.50), hist_pct_us(&k_hist, 0.99),
         hist_pct_us(&k_hist, 0.999), (double)k_hist.max_ns / 1000.0,
         (unsigned long long)k_hist.n);
  printf("RESULT label=%s streams=%d offered_pps=%.0f sent=%llu received=%llu lost=%llu dup=%llu "
         "reordered=%llu bad=%llu fwd_pps=%.0f app_p50_us=%.1f app_p99_us=%.1f app_max_us=%.1f "
         "k_p50_us=%.1f k_p99_us=%.1f k_p999_us=%.1f k_max_us=%.1f send_lag_max_ms=%.2f "
         "gen_sock_drops=%llu gen_cpu_pct=%.0f gen_cpu_s=%.3f\n",
         label, nstreams, (double)sent / send_s, (unsigned long long)sent,
         (unsigned long long)received, (unsigned long long)lost, (unsigned long long)dups,
         (unsigned long long)reordered, (unsigned long long)bad,
         fwd_s > 0 ? (double)received / fwd_s : 0.0, hist_pct_us(&app_hist, 0.50),
         hist_pct_us(&app_hist, 0.99), (double)app_hist.max_ns / 1000.0,
         hist_pct_us(&k_hist, 0.50), hist_pct_us(&k_hist, 0.99), hist_pct_us(&k_hist, 0.999),
         (double)k_hist.max_ns / 1000.0, (double)send_lag_max_ns / 1e6, (unsigned long long)drops,
         100.0 * cpu_s / wall_s, cpu_s);
  fflush(stdout);
  return lost == 0 ? 0 : 1;
}
