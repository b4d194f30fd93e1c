/**
 * Audio codecs for transcoding between telephony and WebRTC legs: G.711 (PCMU/PCMA), an
 * 8 kHz / 48 kHz {@link org.opentelephony.media.codec.Resampler}, Opus through libjitsi's JNI
 * library, and {@link org.opentelephony.media.codec.Transcoder}s that turn one RTP payload into
 * another without allocating. Everything here works on caller-provided arrays and offsets and is
 * meant to be driven by one thread per stream.
 */
package org.opentelephony.media.codec;
