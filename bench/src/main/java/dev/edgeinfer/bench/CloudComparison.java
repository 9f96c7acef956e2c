package dev.edgeinfer.bench;

/**
 * The same inference through a modelled cloud round trip: each sample's input goes up and its
 * result comes down over a link with the given round-trip time and bandwidth.
 *
 * @param rttMillis network round-trip time
 * @param bandwidthMbit link bandwidth in megabits per second
 * @param bytesUpPerSample input bytes sent per sample
 * @param bytesDownPerSample result bytes returned per sample
 * @param localP50Millis measured local latency, median
 * @param localP99Millis measured local latency, 99th percentile
 * @param cloudP50Millis local median plus the modelled transfer
 * @param cloudP99Millis local 99th percentile plus the modelled transfer
 */
public record CloudComparison(
    double rttMillis,
    double bandwidthMbit,
    long bytesUpPerSample,
    long bytesDownPerSample,
    double localP50Millis,
    double localP99Millis,
    double cloudP50Millis,
    double cloudP99Millis) {}
