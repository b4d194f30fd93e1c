package org.opentelephony.sip.sdp;

/** What a valid SDP body offers, as far as call logic cares. */
public record SdpSummary(boolean audio, boolean video) {
}
