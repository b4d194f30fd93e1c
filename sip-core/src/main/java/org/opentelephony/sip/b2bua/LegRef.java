package org.opentelephony.sip.b2bua;

import org.opentelephony.sip.call.MediaNegotiator.Side;

/**
 * Attached to each dialog of a call (as its application data) so that an in-dialog request finds
 * its call and knows which side it came from. {@code branch} is null on the caller side.
 */
record LegRef(B2buaCall call, Side side, Branch branch) {
}
