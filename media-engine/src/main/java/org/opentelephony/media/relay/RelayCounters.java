package org.opentelephony.media.relay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Engine-wide packet counters, for metrics: what was forwarded and what was dropped, and why. */
public final class RelayCounters {
  final LongAdder forwarded = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder oversized = new LongAdder();
  final LongAdder strangers = new LongAdder();
  final LongAdder notForwarded = new LongAdder();
  final LongAdder sendErrors = new LongAdder();
  final LongAdder transcodeOverload = new LongAdder();
  final LongAdder srtpRejected = new LongAdder();
  final LongAdder beforeKeys = new LongAdder();
  final LongAdder dtlsFailed = new LongAdder();

  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("media_packets_forwarded", forwarded.sum());
    m.put("media_packets_dropped{reason=\"malformed\"}", malformed.sum());
    m.put("media_packets_dropped{reason=\"oversized\"}", oversized.sum());
    m.put("media_packets_dropped{reason=\"stranger\"}", strangers.sum());
    m.put("media_packets_dropped{reason=\"not_negotiated\"}", notForwarded.sum());
    m.put("media_send_errors", sendErrors.sum());
    m.put("media_packets_dropped{reason=\"transcoder_busy\"}", transcodeOverload.sum());
    m.put("media_packets_dropped{reason=\"srtp_rejected\"}", srtpRejected.sum());
    m.put("media_packets_dropped{reason=\"before_dtls\"}", beforeKeys.sum());
    m.put("media_dtls_failures", dtlsFailed.sum());
    return m;
  }
}
