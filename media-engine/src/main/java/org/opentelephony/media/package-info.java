/**
 * Media engine: RTP/RTCP relay, ICE, DTLS-SRTP and codecs. It knows nothing of SIP; sip-core
 * drives it through SDP offer/answer. The relay arrives with the media-engine issue; until then
 * sip-core relays each leg's SDP unchanged through its {@code MediaNegotiator} seam.
 */
package org.opentelephony.media;
