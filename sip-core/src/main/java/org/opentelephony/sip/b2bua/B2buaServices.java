package org.opentelephony.sip.b2bua;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.opentelephony.sip.call.MediaNegotiator;
import org.opentelephony.sip.config.SipConfig;
import org.opentelephony.sip.transport.SipContext;

/** What every call of the B2BUA shares: SIP context, media seam, threads and the call index. */
record B2buaServices(
    SipContext sip,
    SipConfig config,
    MediaNegotiator media,
    Executor workers,
    ScheduledExecutorService timers,
    LegRequestFactory factory,
    CallIndex calls) {
}
