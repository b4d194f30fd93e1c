package org.opentelephony.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.SipServer;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.CallState;

/**
 * The call API assembled: the sessions of logged-in users, the in-process SIP user agent that
 * represents them, tokens, and the periodic statistics. Created by the gateway at start-up.
 */
public final class ApiService implements ApiUserAgent.Listener, AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(ApiService.class);

  /** Hands a trickled ICE candidate to a call's media (the browser leg of {@code callerSide}). */
  public interface CandidateSink {
    /** Returns false when the call's media cannot take it yet. */
    boolean add(Call call, boolean callerSide, String candidate);

    CandidateSink NONE = (c, s, cand) -> false;
  }

  private final ApiConfig config;
  private final SipServer sip;
  private final TokenService tokens;
  private final ApiUserAgent ua;
  private final CandidateSink candidates;
  private final Map<String, ApiSession> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers;
  private final ExecutorService workers;

  private ApiService(ApiConfig config, SipServer sip, TokenService tokens, ApiUserAgent ua,
      CandidateSink candidates) {
    this.config = config;
    this.sip = sip;
    this.tokens = tokens;
    this.ua = ua;
    this.candidates = candidates;
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("api-timers"));
    this.workers = Executors.newFixedThreadPool(2, daemon("api-worker"));
  }

  public static ApiService start(ApiConfig config, SipServer sip, CandidateSink candidates)
      throws Exception {
    var sc = sip.config();
    TokenService tokens = new TokenService(TokenService.loadKey(sc.dataDir()), config.tokenTtl(),
        sip.accounts(), sc.realm(), org.opentelephony.sip.util.Clock.SYSTEM);
    String host = sc.bindAddress().equals("0.0.0.0") || sc.bindAddress().equals("::")
        ? "127.0.0.1" : sc.bindAddress();
    ApiUserAgent ua = ApiUserAgent.start(config.sipPort(), host, sc.port(), sc.domain(),
        sip.location());
    ApiService s = new ApiService(config, sip, tokens, ua, candidates);
    ua.setListener(s);
    long every = config.statsInterval().toMillis();
    s.timers.scheduleWithFixedDelay(s::tickStats, every, every, TimeUnit.MILLISECONDS);
    return s;
  }

  public TokenService tokens() {
    return tokens;
  }

  public ApiConfig config() {
    return config;
  }

  ApiUserAgent ua() {
    return ua;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  ExecutorService workers() {
    return workers;
  }

  // ------------------------------------------------------------------ sessions

  /** A socket authenticated as {@code user} opened. */
  void connect(String user, ApiSession.Socket socket) {
    ApiSession s = sessions.compute(user, (u, old) -> old == null || old.closed()
        ? new ApiSession(u, this) : old);
    s.executor.execute(() -> {
      if (s.closed()) {
        connect(user, socket); // ended meanwhile: start a fresh one
        return;
      }
      ua.bind(user, s.id);
      s.attach(socket);
    });
  }

  void sessionEnded(ApiSession s) {
    if (sessions.remove(s.user, s)) {
      ua.unbind(s.user);
      LOG.debug("API session of {} ended", s.user);
    }
  }

  ApiSession session(String user) {
    return sessions.get(user);
  }

  void callEnded(ApiSession s, ApiCall c) {
    String sipCallId = c.sipCallId;
    // kept a while so that late responses (a 2xx after CANCEL) still find the call
    timers.schedule(() -> ua.forget(sipCallId), 32, TimeUnit.SECONDS);
  }

  boolean videoAllowed(String user) {
    Optional<Account> a = sip.accounts().find(user);
    return a.isPresent() && a.get().videoAllowed() && config.permissionsOf(user).video();
  }

  String ha1(String user) {
    return sip.accounts().find(user).map(Account::ha1Md5).orElse(null);
  }

  // ------------------------------------------------------------------ media

  /** The B2BUA call of {@code c}'s SIP leg, once the B2BUA has it. */
  Call b2bCall(ApiCall c) {
    if (c.b2bCall != null) {
      return c.b2bCall;
    }
    Optional<Call> found;
    if (c.direction == ApiCall.Direction.OUTGOING) {
      found = sip.calls().active().stream()
          .filter(x -> c.sipCallId != null && c.sipCallId.equals(x.sipCallId())).findFirst();
    } else {
      // the B2BUA's callee leg has its own Call-ID: match by parties, newest first
      found = sip.calls().active().stream()
          .filter(x -> x.callee().equals(c.user) && x.state() != CallState.ENDED
              && (x.caller().equals(c.peer) || x.caller().startsWith(c.peer + "@")))
          .max(Comparator.comparingLong(Call::startedAt));
    }
    c.b2bCall = found.orElse(null);
    return c.b2bCall;
  }

  boolean addCandidate(ApiCall c, String candidate) {
    Call call = b2bCall(c);
    if (call == null || call.state() == CallState.ENDED) {
      return false;
    }
    return candidates.add(call, c.direction == ApiCall.Direction.OUTGOING, candidate);
  }

  JsonNode mediaStats(ApiCall c) {
    Call call = b2bCall(c);
    if (call == null) {
      return null;
    }
    try {
      return ApiEvents.JSON.readTree(call.mediaStats());
    } catch (Exception e) {
      return null;
    }
  }

  private void tickStats() {
    for (ApiSession s : sessions.values()) {
      s.executor.execute(s.stats::tick);
    }
  }

  // ------------------------------------------------------------------ SIP events

  @Override
  public void onIncomingInvite(String user, ServerTransaction tx) {
    ApiSession s = user == null ? null : sessions.get(user);
    if (s == null) {
      ua.respond(tx, 480, null, null, null);
      return;
    }
    s.executor.execute(() -> s.sip.onIncomingInvite(tx));
  }

  @Override
  public void onInDialogRequest(ApiCall call, Request request, ServerTransaction tx) {
    ApiSession s = sessions.get(call.user);
    if (s == null) {
      if (tx != null) {
        ua.respond(tx, 481, null, null, null);
      }
      return;
    }
    s.executor.execute(() -> s.sip.onInDialogRequest(call, request, tx));
  }

  @Override
  public void onResponse(ApiCall call, ClientTransaction tx, Response response) {
    ApiSession s = sessions.get(call.user);
    if (s != null) {
      s.executor.execute(() -> s.sip.onResponse(call, tx, response));
    } else if (response.getStatusCode() / 100 == 2 && tx.getDialog() != null
        && Request.INVITE.equals(tx.getRequest().getMethod())) {
      ua.ack(tx, response);
      ua.inDialog(call, tx.getDialog(), Request.BYE, null, null);
    }
  }

  @Override
  public void onTimeout(ApiCall call, Request request) {
    ApiSession s = sessions.get(call.user);
    if (s != null) {
      s.executor.execute(() -> s.sip.onTimeout(call, request));
    }
  }

  @Override
  public void close() {
    // each session ends on its own executor (BYE/CANCEL for its calls); wait for those, bounded
    List<ApiSession> open = List.copyOf(sessions.values());
    java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(open.size());
    for (ApiSession s : open) {
      s.executor.execute(() -> {
        try {
          s.end();
        } finally {
          ended.countDown();
        }
      });
    }
    try {
      ended.await(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timers.shutdownNow();
    workers.shutdown();
    ua.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
