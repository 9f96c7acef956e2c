package dev.edgeinfer.runtime;

import java.util.List;
import java.util.Locale;

/**
 * How a model is loaded: threads, graph optimization and the execution providers to try in order
 * (CPU is always the last resort). Build with {@link #builder()}; {@link #defaults()} uses all
 * cores for one model and the CPU provider.
 *
 * @param intraOpThreads threads used inside one operator (0 = ONNX Runtime's default, one per core)
 * @param interOpThreads threads running independent operators in parallel (0 = default)
 * @param optimization graph optimization level
 * @param providers execution providers in order of preference
 * @param requireProvider fail instead of falling back to CPU when the first provider is unavailable
 */
public record ModelOptions(
    int intraOpThreads,
    int interOpThreads,
    Optimization optimization,
    List<ExecutionProvider> providers,
    boolean requireProvider) {

  /** ONNX Runtime's graph optimization levels. */
  public enum Optimization {
    NONE,
    BASIC,
    EXTENDED,
    ALL;

    public static Optimization parse(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InferenceException(
            InferenceException.Code.INVALID_ARGUMENT,
            "unknown optimization level '" + name + "': use none, basic, extended or all");
      }
    }
  }

  public ModelOptions {
    if (intraOpThreads < 0) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "intra-op threads must be >= 0 (0 = one per core), got " + intraOpThreads);
    }
    if (interOpThreads < 0) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "inter-op threads must be >= 0 (0 = default), got " + interOpThreads);
    }
    providers = List.copyOf(providers);
    if (providers.isEmpty()) {
      throw new InferenceException(
          InferenceException.Code.INVALID_ARGUMENT,
          "at least one execution provider is needed; use cpu");
    }
  }

  public static ModelOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The first provider, the one the caller asked for. */
  public ExecutionProvider preferredProvider() {
    return providers.getFirst();
  }

  /** Collects options; every setter rejects bad values at once, naming them. */
  public static final class Builder {
    private int intraOpThreads;
    private int interOpThreads;
    private Optimization optimization = Optimization.ALL;
    private List<ExecutionProvider> providers = List.of(ExecutionProvider.CPU);
    private boolean requireProvider;

    private Builder() {}

    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = threads;
      return this;
    }

    public Builder interOpThreads(int threads) {
      this.interOpThreads = threads;
      return this;
    }

    public Builder optimization(Optimization level) {
      this.optimization = level;
      return this;
    }

    /** Providers in order of preference; CPU need not be listed, it is always the fallback. */
    public Builder providers(ExecutionProvider... order) {
      this.providers = List.of(order);
      return this;
    }

    /** Fail to load instead of falling back to CPU when the preferred provider is missing. */
    public Builder requireProvider(boolean require) {
      this.requireProvider = require;
      return this;
    }

    public ModelOptions build() {
      return new ModelOptions(
          intraOpThreads, interOpThreads, optimization, providers, requireProvider);
    }
  }
}
