package org.opentelephony.sip.b2bua;

import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import org.opentelephony.sip.call.MediaNegotiator.Side;

/**
 * An in-dialog request (re-INVITE, UPDATE, INFO) forwarded to the other leg, waiting for that
 * leg's final response to pass back; attached to the outgoing client transaction.
 */
record Relay(B2buaCall call, ServerTransaction origin, Request request, Side from) {
}
