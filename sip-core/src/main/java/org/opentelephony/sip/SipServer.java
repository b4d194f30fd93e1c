package org.opentelephony.sip;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.auth.Account;
import org.opentelephony.sip.auth.AccountStore;
import org.opentelephony.sip.auth.DigestAlgorithm;
import org.opentelephony.sip.auth.DigestAuthenticator;
import org.opentelephony.sip.auth.NonceService;
import org.opentelephony.sip.auth.SipDigest;
import org.opentelephony.sip.b2bua.B2bua;
import org.opentelephony.sip.call.CallRegistry;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.cdr.CallRecordRepository;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.registrar.LocationService;
import org.opentelephony.sip.registrar.RegistrarHandler;
import org.opentelephony.sip.store.Database;
import org.opentelephony.sip.tls.TlsMaterial;
import org.opentelephony.sip.store.JdbcAccountStore;
import org.opentelephony.sip.store.JdbcBindingRepository;
import org.opentelephony.sip.store.JdbcCallRecordRepository;
import org.opentelephony.sip.store.WriteBehindWriter;
import org.opentelephony.sip.transport.ContactNatObserver;
import org.opentelephony.sip.transport.NatMappings;
import org.opentelephony.sip.transport.NextHopRouter;
import org.opentelephony.sip.transport.RequestValidator;
import org.opentelephony.sip.transport.SipContext;
import org.opentelephony.sip.transport.SipMetrics;
import org.opentelephony.sip.transport.SipStackFactory;
import org.opentelephony.sip.transport.ws.WsHooks;
import org.opentelephony.sip.util.Clock;

/**
 * The SIP core assembled: storage, registrar, digest auth and B2BUA behind one JAIN-SIP stack
 * listening on UDP and TCP. {@link #start} brings it up; {@link #stop} ends live calls with BYE,
 * flushes storage and releases the ports.
 */
public final class SipServer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(SipServer.class);

  private final SipConfig config;
  private final Database db;
  private final WriteBehindWriter writer;
  private final AccountStore accounts;
  private final LocationService location;
  private final CallRegistry calls;
  private final CallRecordRepository records;
  private final SipMetrics metrics = new SipMetrics();
  private final ScheduledExecutorService timers;
  private final ExecutorService workers;
  private SipStack stack;
  private B2bua b2bua;

  private SipServer(SipConfig config) throws SQLException {
    this.config = config;
    this.db = Database.open(config.dataDir());
    this.writer = new WriteBehindWriter(db, config.storageFlushInterval(), config.storageMaxBatch());
    JdbcAccountStore accountStore = new JdbcAccountStore(db);
    this.accounts = accountStore;
    this.records = new JdbcCallRecordRepository(db, writer);
    this.calls = new CallRegistry(records, Clock.SYSTEM);
    this.location = new LocationService(new JdbcBindingRepository(db, writer), Clock.SYSTEM,
        config.maxContactsPerUser());
    this.timers = Executors.newSingleThreadScheduledExecutor(daemon("sip-timers"));
    this.workers = Executors.newFixedThreadPool(config.workerThreads(), daemon("call-worker"));
  }

  /** Opens storage, seeds accounts, and starts listening (TLS material loaded if wss is on). */
  public static SipServer start(SipConfig config, MediaNegotiator media) throws Exception {
    return start(config, media, config.webSockets().wssEnabled() ? loadTls(config) : null);
  }

  /**
   * Opens storage, seeds accounts, and starts listening.
   *
   * @param tls the key material for wss; required when wss is enabled
   */
  public static SipServer start(SipConfig config, MediaNegotiator media, TlsMaterial tls)
      throws Exception {
    if (config.webSockets().wssEnabled() && tls == null) {
      throw new IllegalArgumentException("wss needs TLS key material");
    }
    SipServer s = new SipServer(config);
    try {
      s.startStack(media, tls);
    } catch (Exception e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The configured key store, or the self-signed certificate kept under the data folder. */
  public static TlsMaterial loadTls(SipConfig config) throws Exception {
    return TlsMaterial.load(config.tls(), config.dataDir(),
        List.of(config.bindAddress(), config.advertisedAddress()));
  }

  private void startStack(MediaNegotiator media, TlsMaterial tls) throws Exception {
    for (SipConfig.SeedAccount seed : config.seedAccounts()) {
      if (accounts.find(seed.user()).isEmpty()) {
        accounts.save(Account.withPassword(seed.user(), config.realm(), seed.password()));
        LOG.info("created account {}", seed.user());
      }
    }
    NatMappings nat = new NatMappings();
    location.addObserver(new ContactNatObserver(nat));
    int restored = location.load();
    int dropped = WebSocketConnections.dropConnectionBound(location);
    if (dropped > 0) {
      LOG.info("{} WebSocket registrations from the previous run removed", dropped);
      restored -= dropped;
    }

    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    SipConfig.WebSockets ws = config.webSockets();
    stack = SipStackFactory.create(factory, config, ws.wssEnabled() ? tls : null);
    if (((SipStackImpl) stack).getRouter() instanceof NextHopRouter router) {
      router.use(nat);
    }
    SipProvider provider = null;
    for (String transport : config.transports()) {
      ListeningPoint lp = stack.createListeningPoint(config.bindAddress(), config.port(), transport);
      if (provider == null) {
        provider = stack.createSipProvider(lp);
      } else {
        provider.addListeningPoint(lp);
      }
    }
    List<ListeningPoint> webSockets = new java.util.ArrayList<>();
    if (ws.wsEnabled()) {
      webSockets.add(stack.createListeningPoint(config.bindAddress(), ws.wsPort(), "ws"));
    }
    if (ws.wssEnabled()) {
      webSockets.add(stack.createListeningPoint(config.bindAddress(), ws.wssPort(), "wss"));
    }
    for (ListeningPoint lp : webSockets) {
      provider.addListeningPoint(lp);
    }
    SipContext sip = new SipContext(config, provider, factory.createAddressFactory(),
        factory.createHeaderFactory(), factory.createMessageFactory(), nat, metrics);
    NonceService nonces = new NonceService(nonceSecret(), config.nonceLifetime(), Clock.SYSTEM);
    DigestAuthenticator auth = new DigestAuthenticator(config.realm(), accounts, nonces);
    List<DigestAlgorithm> algs = config.digestAlgorithms().stream()
        .map(a -> DigestAlgorithm.parse(a).orElseThrow()).toList();
    SipDigest digest = new SipDigest(auth, algs, config.md5OnlyUserAgents(), sip);
    b2bua = new B2bua(sip, digest, accounts, location, calls, media, workers, timers);
    RegistrarHandler registrar = new RegistrarHandler(sip, digest, location, Clock.SYSTEM);
    WsHooks hooks = new WebSocketConnections(location, b2bua, metrics, workers,
        SipStackFactory.hardMessageLimit(config));
    for (ListeningPoint lp : webSockets) {
      if (((ListeningPointImpl) lp).getMessageProcessor() instanceof WsHooks.Target t) {
        t.attach(hooks);
      }
    }
    provider.addSipListener(new SipDispatcher(sip, new RequestValidator(sip), registrar, b2bua, accounts));
    timers.scheduleWithFixedDelay(location::sweep, 1, 1, TimeUnit.SECONDS);
    stack.start();
    LOG.info("SIP listening on {}:{} ({}), domain {}, {} registrations restored",
        config.bindAddress(), config.port(), String.join("/", config.transports()),
        config.domain(), restored);
    if (ws.wsEnabled()) {
      LOG.info("SIP over WebSocket on ws://{}:{}", config.bindAddress(), ws.wsPort());
    }
    if (ws.wssEnabled()) {
      LOG.info("SIP over WebSocket on wss://{}:{}", config.bindAddress(), ws.wssPort());
    }
  }

  /**
   * The secret that signs nonces, kept in the data folder so that nonces issued before a restart
   * stay valid.
   */
  private byte[] nonceSecret() throws IOException {
    Path file = config.dataDir().resolve("nonce.key");
    if (Files.exists(file)) {
      byte[] b = Files.readAllBytes(file);
      if (b.length >= 32) {
        return b;
      }
    }
    byte[] secret = NonceService.newSecret();
    Files.write(file, secret);
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions
          .fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return secret;
  }

  public SipConfig config() {
    return config;
  }

  public CallRegistry calls() {
    return calls;
  }

  public CallRecordRepository records() {
    return records;
  }

  public LocationService location() {
    return location;
  }

  public AccountStore accounts() {
    return accounts;
  }

  public SipMetrics metrics() {
    return metrics;
  }

  /** Writes acknowledged but not yet on disk (for metrics). */
  public int pendingWrites() {
    return writer.pending();
  }

  /** Stops: BYE/CANCEL on live calls, then the stack, then storage (flushing every write). */
  public void stop() {
    if (b2bua != null) {
      b2bua.shutdown(Duration.ofSeconds(5));
    }
    if (stack != null) {
      try {
        Thread.sleep(200); // let the BYEs and CANCELs leave before the sockets close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stack.stop();
      stack = null;
    }
    timers.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.close();
    try {
      db.close();
    } catch (SQLException e) {
      LOG.error("closing the database failed", e);
    }
    LOG.info("SIP server stopped");
  }

  @Override
  public void close() {
    stop();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
