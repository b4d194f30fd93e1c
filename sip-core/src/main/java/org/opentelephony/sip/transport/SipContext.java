package org.opentelephony.sip.transport;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.config.SipConfig;

/**
 * What every SIP handler needs: the provider, the factories, the server's own identity, and
 * small helpers for building responses. One per server.
 */
public final class SipContext {
  private static final Logger LOG = LogManager.getLogger(SipContext.class);

  private final SipConfig config;
  private final SipProvider provider;
  private final AddressFactory addresses;
  private final HeaderFactory headers;
  private final MessageFactory messages;
  private final NatMappings natMappings;
  private final SipMetrics metrics;

  public SipContext(SipConfig config, SipProvider provider, AddressFactory addresses,
      HeaderFactory headers, MessageFactory messages, NatMappings natMappings, SipMetrics metrics) {
    this.config = config;
    this.provider = provider;
    this.addresses = addresses;
    this.headers = headers;
    this.messages = messages;
    this.natMappings = natMappings;
    this.metrics = metrics;
  }

  public SipConfig config() {
    return config;
  }

  public SipProvider provider() {
    return provider;
  }

  public AddressFactory addresses() {
    return addresses;
  }

  public HeaderFactory headers() {
    return headers;
  }

  public MessageFactory messages() {
    return messages;
  }

  public NatMappings natMappings() {
    return natMappings;
  }

  public SipMetrics metrics() {
    return metrics;
  }

  /** A fresh tag for a From or To header. */
  public static String newTag() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  /**
   * A response to {@code request} carrying a To tag (RFC 3261 8.2.6.2) unless it is a 100.
   */
  public Response response(Request request, int status, String reason) {
    try {
      Response r = messages.createResponse(status, request);
      if (reason != null) {
        r.setReasonPhrase(reason);
      }
      ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
      if (status > 100 && to != null && to.getTag() == null) {
        to.setTag(newTag());
      }
      return r;
    } catch (ParseException e) {
      throw new IllegalArgumentException("cannot build " + status + " response", e);
    }
  }

  public Response response(Request request, int status) {
    return response(request, status, null);
  }

  /** Sends a response without a server transaction (challenges, rejects, REGISTER, OPTIONS). */
  public void sendStateless(Response response) {
    try {
      provider.sendResponse(response);
      metrics.responseSent(response.getStatusCode());
    } catch (SipException e) {
      LOG.debug("cannot send {} response: {}", response.getStatusCode(), e.toString());
    }
  }

  /** Our Contact for a leg on {@code transport}. */
  public ContactHeader contact(String transport) {
    try {
      SipURI uri = addresses.createSipURI(null, config.advertisedAddress());
      uri.setPort(config.portFor(transport));
      if (!"udp".equalsIgnoreCase(transport)) {
        uri.setTransportParam(transport.toLowerCase(Locale.ROOT));
      }
      return headers.createContactHeader(addresses.createAddress(uri));
    } catch (ParseException e) {
      throw new IllegalStateException("bad advertised address " + config.advertisedAddress(), e);
    }
  }

  /**
   * True when {@code uri} names this server's domain: the SIP domain, an alias, or the server's
   * own address (with our port or none).
   */
  public boolean isLocal(URI uri) {
    if (!(uri instanceof SipURI sip)) {
      return false;
    }
    String host = stripBrackets(sip.getHost()).toLowerCase(Locale.ROOT);
    if (host.equals(config.domain().toLowerCase(Locale.ROOT))) {
      return true;
    }
    for (String alias : config.aliases()) {
      if (host.equalsIgnoreCase(alias)) {
        return true;
      }
    }
    int port = sip.getPort();
    SipConfig.WebSockets ws = config.webSockets();
    boolean ourPort = port <= 0 || port == config.port() || ws.wsEnabled() && port == ws.wsPort()
        || ws.wssEnabled() && port == ws.wssPort();
    return ourPort && (host.equals(config.advertisedAddress()) || host.equals(config.bindAddress())
        || isLoopbackBind() && (host.equals("127.0.0.1") || host.equals("localhost")));
  }

  private boolean isLoopbackBind() {
    return config.bindAddress().startsWith("127.");
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** True when the source address of a request belongs to a configured trusted peer. */
  public boolean isTrusted(String ip, int port) {
    List<String> peers = config.trustedPeers();
    for (String p : peers) {
      if (p.equals(ip) || p.equals(ip + ":" + port)) {
        return true;
      }
    }
    return false;
  }
}
