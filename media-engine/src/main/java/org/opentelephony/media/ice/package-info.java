/**
 * ICE for browser legs, on top of Jitsi's ice4j: one {@link org.opentelephony.media.ice.IceService}
 * per engine owns the shared UDP port (as the Jitsi videobridge does), one
 * {@link org.opentelephony.media.ice.IceTransport} per browser leg runs full ICE (RFC 8445) with
 * one component (rtcp-mux, bundle) and hands every non-STUN datagram to its packet handler. DTLS
 * and SRTP sit above this package; nothing here knows SIP.
 */
package org.opentelephony.media.ice;
