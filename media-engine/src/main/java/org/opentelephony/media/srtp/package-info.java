/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) for a leg, in place over receive buffers: profiles, master
 * keys, and a session that protects what we send and unprotects what the peer sends. The crypto
 * is jitsi-srtp's; this package keeps it behind our packet-view API and counters.
 */
package org.opentelephony.media.srtp;
