/**
 * DTLS-SRTP (RFC 5764, RFC 8827) on a WebRTC leg: our self-signed certificate and its SDP
 * fingerprint, the a=setup role mapping, and a session that runs BouncyCastle's DTLS 1.2
 * handshake off the media threads and yields {@link org.opentelephony.media.srtp.SrtpKeys}.
 */
package org.opentelephony.media.dtls;
