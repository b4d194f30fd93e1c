package org.opentelephony.media.ice;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the ICE service. Nothing here reaches outside the machine unless configured: no
 * cloud metadata probing, STUN and TURN only towards the servers listed.
 *
 * @param bindAddresses  addresses the shared UDP port is bound on (one harvester each); literal IPs
 * @param port           the UDP port shared by every browser leg (0: any free port, for tests)
 * @param advertised     static NAT mappings: candidates for the public address of a bind address
 * @param stunServers    STUN servers ("host:port") used once at start to learn the public address
 * @param turnServers    TURN servers; accepted and validated, see {@link IceService} for their use
 * @param consentFreshness whether RFC 7675 consent checks run on the selected pair
 * @param consentTimeout how long without a consent response before a leg is DISCONNECTED
 */
public record IceConfig(List<String> bindAddresses, int port, List<NatMapping> advertised,
    List<String> stunServers, List<TurnServer> turnServers, boolean consentFreshness,
    Duration consentTimeout) {

  /** The port the Jitsi videobridge uses for all its ICE sessions. */
  public static final int DEFAULT_PORT = 10000;

  /** RFC 7675 section 5.1: consent expires 30 seconds after the last response. */
  public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);

  /** A public address to advertise for a local bind address, as a static NAT mapping. */
  public record NatMapping(String localAddress, String publicAddress) {
    public NatMapping {
      requireLiteral(localAddress, "NAT mapping local address");
      requireLiteral(publicAddress, "NAT mapping public address");
    }
  }

  /** A TURN server and its long-term credentials. */
  public record TurnServer(String hostPort, String username, String password) {
    public TurnServer {
      requireHostPort(hostPort, "TURN server");
      Objects.requireNonNull(username, "TURN username");
      Objects.requireNonNull(password, "TURN password");
    }

    @Override
    public String toString() {
      // the password stays out of logs
      return "TurnServer[" + hostPort + ", user " + username + "]";
    }
  }

  public IceConfig {
    bindAddresses = List.copyOf(bindAddresses);
    advertised = List.copyOf(advertised);
    stunServers = List.copyOf(stunServers);
    turnServers = List.copyOf(turnServers);
    Objects.requireNonNull(consentTimeout, "consentTimeout");
    if (bindAddresses.isEmpty()) {
      throw new IllegalArgumentException("at least one bind address is needed");
    }
    for (String a : bindAddresses) {
      requireLiteral(a, "bind address");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    for (NatMapping m : advertised) {
      if (!bindAddresses.contains(m.localAddress())) {
        throw new IllegalArgumentException("NAT mapping for " + m.localAddress()
            + ", which is not a bind address " + bindAddresses);
      }
    }
    for (String s : stunServers) {
      requireHostPort(s, "STUN server");
    }
    if (consentTimeout.isNegative() || consentTimeout.isZero()) {
      throw new IllegalArgumentException("consentTimeout must be positive");
    }
  }

  /** Loopback only, port 10000, no NAT, no STUN or TURN, consent freshness on. */
  public static IceConfig defaults() {
    return new IceConfig(List.of("127.0.0.1"), DEFAULT_PORT, List.of(), List.of(), List.of(),
        true, DEFAULT_CONSENT_TIMEOUT);
  }

  public IceConfig withPort(int newPort) {
    return new IceConfig(bindAddresses, newPort, advertised, stunServers, turnServers,
        consentFreshness, consentTimeout);
  }

  public IceConfig withAdvertised(List<NatMapping> mappings) {
    return new IceConfig(bindAddresses, port, mappings, stunServers, turnServers,
        consentFreshness, consentTimeout);
  }

  // Literal IPs only: a host name here would mean a DNS lookup at start and an ambiguous binding.
  private static void requireLiteral(String address, String what) {
    Objects.requireNonNull(address, what);
    boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = address.indexOf(':') >= 0 && address.matches("[0-9A-Fa-f:.%a-zA-Z]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException(what + " is not an IP literal: " + address);
    }
    try {
      InetAddress.getByName(address); // no lookup for literals; rejects 300.1.1.1
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(what + " is not a valid IP: " + address, e);
    }
  }

  private static void requireHostPort(String hostPort, String what) {
    Objects.requireNonNull(hostPort, what);
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(what + " must be host:port: " + hostPort);
    }
    int p;
    try {
      p = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " has a bad port: " + hostPort, e);
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(what + " port out of range: " + hostPort);
    }
  }
}
