package org.opentelephony.sip.auth;

/**
 * The parameters of an {@code Authorization} / {@code Proxy-Authorization} digest header, exactly
 * as the client sent them ({@code uri} and {@code nc} are hashed as text, never re-rendered).
 */
public record DigestCredentials(
    String username,
    String realm,
    String nonce,
    String uri,
    String response,
    String algorithm,
    String qop,
    String nonceCount,
    String cnonce) {
}
