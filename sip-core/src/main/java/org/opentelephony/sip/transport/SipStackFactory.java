package org.opentelephony.sip.transport;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.SipStack;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.tls.TlsMaterial;
import org.opentelephony.sip.transport.ws.WsProcessorFactory;

/** Creates the JAIN-SIP RI stack with the properties this server relies on. */
public final class SipStackFactory {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private SipStackFactory() {
  }

  /**
   * The largest message the stack reads at all (over TCP it drops the connection beyond it; a
   * WebSocket frame beyond it is skipped). Below it, anything over sip.max-message-size is
   * answered 513 by the RequestValidator.
   */
  public static int hardMessageLimit(SipConfig config) {
    return Math.max(4 * config.maxMessageSize(), 262_144);
  }

  /**
   * @param tls the key material for wss (null when wss is off)
   */
  public static SipStack create(SipFactory factory, SipConfig config, TlsMaterial tls)
      throws PeerUnavailableException {
    Properties p = new Properties();
    // Stack names must be unique per JVM (tests start several servers one after another).
    p.setProperty("javax.sip.STACK_NAME", "opentelephony-" + INSTANCES.incrementAndGet());
    // The B2BUA creates every dialog itself; the stack must not invent any.
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    p.setProperty("javax.sip.ROUTER_PATH", NextHopRouter.class.getName());
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", String.valueOf(config.stackThreads()));
    p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE",
        String.valueOf(config.stackThreads()));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    // A hard cap against memory exhaustion over TCP (the stack drops the connection beyond it).
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", String.valueOf(hardMessageLimit(config)));
    if (config.webSockets().any()) {
      // NIO processors for ws/wss (only they speak WebSocket), the usual ones for UDP/TCP.
      p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY",
          WsProcessorFactory.class.getName());
    }
    if (tls != null) {
      // Read by the stack's DefaultSecurityManagerProvider for its TLS processors (wss). No
      // trust store: the JVM's, and browsers are not asked for a client certificate.
      p.setProperty("javax.net.ssl.keyStore", tls.path().toAbsolutePath().toString());
      p.setProperty("javax.net.ssl.keyStorePassword", tls.password());
      p.setProperty("javax.net.ssl.keyStoreType", tls.type());
      p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
    }
    p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY",
        StrictMessageParserFactory.class.getName());
    p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
    // Absorbs a garbage-collection pause at full load (~100 ms of requests); much more only
    // queues requests past their retransmission timers when the server is overloaded.
    p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", "524288");
    // The stack copies every datagram into its own 64 KiB buffer and queues it for its worker
    // threads without bound: under overload that queue is a memory bomb. Requests that waited
    // longer than this are dropped (their senders have retransmitted by then).
    p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "1000");
    p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "200000");
    p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "200000");
    p.setProperty("gov.nist.javax.sip.AGGRESSIVE_CLEANUP", "true");
    p.setProperty("gov.nist.javax.sip.DELIVER_RETRANSMITTED_ACK_TO_LISTENER", "false");
    // Message contents stay out of logs: they carry credentials digests and SDP.
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "ERROR");
    p.setProperty("gov.nist.javax.sip.LOG_STACK_TRACE_ON_MESSAGE_SEND", "false");
    return factory.createSipStack(p);
  }
}
