package org.opentelephony.media.ice;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.StaticMappingCandidateHarvester;
import org.ice4j.ice.harvest.StunMappingCandidateHarvester;

/**
 * Engine-wide ICE: the shared UDP port (one ice4j single-port harvester per bind address, all
 * browser legs demultiplexed by ufrag), the NAT/STUN mapping harvesters every leg's Agent gets,
 * one event thread on which leg states change and listeners run, and the counters.
 *
 * <p>TURN servers in the config are validated but not used for server-side relay candidates:
 * ice4j allocates TURN from a candidate's own socket, which the shared-port candidates do not
 * have until a peer's first check arrives. A server needs a reachable address (or a NAT mapping)
 * anyway; browsers behind restrictive NATs bring their own TURN relay candidates.
 */
public final class IceService implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(IceService.class);

  private final IceConfig config;
  private final IceCounters counters = new IceCounters();
  private final List<CountingHarvester> hosts = new ArrayList<>();
  private final List<CandidateHarvester> mappings = new ArrayList<>();
  private final Set<IceTransport> transports = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService events;
  private volatile boolean closed;

  /** Binds the shared port on every bind address; runs STUN discovery if servers are set. */
  public IceService(IceConfig config) throws IOException {
    this.config = config;
    Ice4jSetup.apply();
    try {
      for (String a : config.bindAddresses()) {
        hosts.add(new CountingHarvester(new TransportAddress(a, config.port(), Transport.UDP),
            counters));
      }
    } catch (IOException e) {
      hosts.forEach(CountingHarvester::close);
      throw e;
    }
    for (IceConfig.NatMapping m : config.advertised()) {
      // port 9 is ignored (matchPort=false): the host candidate's port is kept
      mappings.add(new StaticMappingCandidateHarvester(
          new TransportAddress(m.publicAddress(), 9, Transport.UDP),
          new TransportAddress(m.localAddress(), 9, Transport.UDP), "nat", false));
    }
    discoverViaStun();
    if (!config.turnServers().isEmpty()) {
      LOG.warn("TURN servers {} ignored: no server-side relay on the shared port",
          config.turnServers());
    }
    events = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ice-events");
      t.setDaemon(true);
      return t;
    });
    events.scheduleWithFixedDelay(this::checkConsent, 1, 1, TimeUnit.SECONDS);
    LOG.info("ICE on {} port {}, NAT mappings {}, STUN {}", config.bindAddresses(), port(),
        config.advertised(), config.stunServers());
  }

  private void discoverViaStun() {
    for (String server : config.stunServers()) {
      int colon = server.lastIndexOf(':');
      TransportAddress stun = new TransportAddress(server.substring(0, colon),
          Integer.parseInt(server.substring(colon + 1)), Transport.UDP);
      for (String a : config.bindAddresses()) {
        StunMappingCandidateHarvester h = new StunMappingCandidateHarvester(
            new TransportAddress(a, 0, Transport.UDP), stun);
        h.discover(); // blocks until the server answers or ice4j's STUN timeout
        if (h.getMask() != null) {
          LOG.info("STUN {}: {} is seen as {}", server, a, h.getMask());
          mappings.add(h);
        } else {
          LOG.warn("STUN {}: no answer for {}", server, a);
        }
      }
    }
  }

  public IceConfig config() {
    return config;
  }

  public IceCounters counters() {
    return counters;
  }

  public Map<String, Long> metrics() {
    Map<String, Long> m = counters.snapshot();
    m.put("ice_transports_active", (long) transports.size());
    return m;
  }

  /** The shared port actually bound (differs from the config only when it asked for 0). */
  public int port() {
    return hosts.get(0).getLocalAddress().getPort();
  }

  /** A new Agent for one leg generation, with the shared-port and mapping harvesters. */
  Agent newAgent() {
    if (closed) {
      throw new IllegalStateException("ICE service closed");
    }
    CountingAgent agent = new CountingAgent(counters);
    agent.setUseDynamicPorts(false);
    agent.setPerformConsentFreshness(config.consentFreshness());
    hosts.forEach(agent::addCandidateHarvester);
    mappings.forEach(agent::addCandidateHarvester);
    return agent;
  }

  /** Runs a leg's state change or listener call on the one event thread, in order. */
  void post(Runnable r) {
    try {
      events.execute(r);
    } catch (RejectedExecutionException e) {
      LOG.debug("event after close dropped");
    }
  }

  void register(IceTransport t) {
    transports.add(t);
  }

  void unregister(IceTransport t) {
    transports.remove(t);
  }

  int activeTransports() {
    return transports.size();
  }

  private void checkConsent() {
    long now = System.currentTimeMillis();
    for (IceTransport t : transports) {
      t.checkConsent(now, config.consentTimeout().toMillis());
    }
  }

  /** Closes every leg, unbinds the shared port and stops the event thread. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (IceTransport t : List.copyOf(transports)) {
      t.close();
    }
    hosts.forEach(CountingHarvester::close);
    events.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
