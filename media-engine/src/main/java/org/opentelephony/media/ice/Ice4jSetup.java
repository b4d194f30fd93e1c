package org.opentelephony.media.ice;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import kotlin.Unit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ice4j.ice.harvest.AbstractUdpListener;
import org.ice4j.ice.harvest.HarvestConfig;
import org.ice4j.ice.harvest.MappingCandidateHarvester;
import org.ice4j.ice.harvest.MappingCandidateHarvesters;
import org.ice4j.util.Buffer;
import org.ice4j.util.BufferPool;
import org.jitsi.config.JitsiConfig;

/**
 * ice4j's process-wide settings, applied once before the first harvester or Agent. ice4j reads
 * them from Typesafe Config (system properties override its reference.conf) and keeps several in
 * statics, so they cannot differ between services; everything per-service (NAT mappings, STUN)
 * is done with per-Agent harvesters instead of ice4j's global mapping harvesters.
 */
final class Ice4jSetup {
  private static final Logger LOG = LogManager.getLogger(Ice4jSetup.class);

  /** Datagrams above this size (MTU 1500 minus IP/UDP headers) get a one-off array. */
  static final int POOLED_SIZE = 1500;
  private static final ArrayBlockingQueue<Buffer> POOL = new ArrayBlockingQueue<>(2048);
  private static boolean applied;

  private Ice4jSetup() {
  }

  static synchronized void apply() {
    if (applied) {
      return;
    }
    // The first Agent would otherwise probe http://169.254.169.254 (AWS metadata). The legacy
    // name is read first by ice4j, so both are pinned.
    System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
    System.setProperty("ice4j.harvest.mapping.aws.force", "false");
    System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
    // No per-Agent ephemeral host ports on every interface: all legs share the single port.
    System.setProperty("ice4j.harvest.udp.use-dynamic-ports", "false");
    System.setProperty("org.ice4j.ice.harvest.USE_DYNAMIC_HOST_HARVESTER", "false");
    // Application data comes through the push API below, not the merging component socket
    // (which costs a thread per remote address and two more copies).
    System.setProperty("ice4j.use-component-socket", "false");
    // Pick the properties up even if something loaded Typesafe Config earlier.
    JitsiConfig.Companion.reloadNewConfig();

    HarvestConfig hc = HarvestConfig.config;
    if (hc.enableAwsHarvester() || hc.useDynamicPorts()) {
      throw new IllegalStateException("ice4j ignored its settings: aws=" + hc.enableAwsHarvester()
          + " dynamic-ports=" + hc.useDynamicPorts());
    }
    if (!hc.getStaticMappings().isEmpty() || !hc.stunMappingCandidateHarvesterAddresses().isEmpty()) {
      // those would be global and (for STUN) reach outside: IceConfig is the only source
      throw new IllegalStateException("ice4j.harvest.mapping.* is configured outside IceConfig: "
          + hc.getStaticMappings() + " " + hc.stunMappingCandidateHarvesterAddresses());
    }
    // Push API: the harvester thread hands each non-STUN datagram to the Component's callback
    // (one copy, into a buffer from BufferPool) instead of queueing it for a reader per socket.
    // Read by each harvester thread when it starts, so it must be set before the first one.
    AbstractUdpListener.USE_PUSH_API = true;
    BufferPool.getBuffer = Ice4jSetup::takeBuffer;
    BufferPool.returnBuffer = b -> {
      giveBack(b);
      return Unit.INSTANCE;
    };
    MappingCandidateHarvester[] global = MappingCandidateHarvesters.getHarvesters();
    if (global.length != 0) {
      throw new IllegalStateException("ice4j global mapping harvesters: " + List.of(global));
    }
    applied = true;
    LOG.debug("ice4j configured: no AWS/STUN mapping, no dynamic ports, push API");
  }

  static Buffer takeBuffer(int size) {
    if (size > POOLED_SIZE) {
      return new Buffer(new byte[size], 0, size);
    }
    Buffer b = POOL.poll();
    return b != null ? b : new Buffer(new byte[POOLED_SIZE], 0, POOLED_SIZE);
  }

  static void giveBack(Buffer b) {
    if (b.getBuffer().length == POOLED_SIZE) {
      b.setRemoteAddress(null);
      b.setLocalAddress(null);
      b.setReceivedTime(null);
      POOL.offer(b);
    }
  }
}
