package org.opentelephony.media.sdp;

import java.util.List;

/**
 * What the server writes into one media section for a browser leg: its own ICE credentials and
 * candidates, certificate fingerprint and DTLS role, the section's mid and a media stream id,
 * and the SSRC lines of the sender on the other leg when that sender announced them.
 *
 * @param setup      {@code actpass} in offers; {@code passive} or {@code active} in answers
 * @param candidates attribute values without the {@code a=} prefix
 * @param ssrcLines  complete {@code a=ssrc:} lines
 */
public record WebRtcSection(String mid, String iceUfrag, String icePwd, String fingerprint,
    String setup, List<String> candidates, String streamId, String trackId,
    List<String> ssrcLines) {
}
