package io.fusebox.core;

import java.time.Duration;

/** A mutable step towards a {@link BreakerConfig}; starts from the defaults. */
public final class BreakerConfigBuilder {
  private boolean consecutiveEnabled = true;
  private int consecutiveThreshold = BreakerConfig.DEFAULT_CONSECUTIVE_FAILURES;
  private boolean consecutiveNoiseAware = true;
  private boolean failureRateEnabled = true;
  private double failureRateThreshold = BreakerConfig.DEFAULT_FAILURE_RATE;
  private int minimumCalls = BreakerConfig.DEFAULT_MINIMUM_CALLS;
  private BreakerConfig.WindowType windowType = BreakerConfig.WindowType.TIME_BASED;
  private int windowSize = BreakerConfig.DEFAULT_WINDOW_SIZE;
  private Duration windowDuration = BreakerConfig.DEFAULT_WINDOW_DURATION;
  private boolean slowCallsEnabled = true;
  private Duration slowCallThreshold = BreakerConfig.DEFAULT_SLOW_CALL_THRESHOLD;
  private double slowCallRate = BreakerConfig.DEFAULT_SLOW_CALL_RATE;
  private Duration callTimeout = BreakerConfig.DEFAULT_CALL_TIMEOUT;
  private int maxConcurrentCalls = BreakerConfig.DEFAULT_MAX_CONCURRENT_CALLS;
  private int maxWaitQueue = BreakerConfig.DEFAULT_MAX_WAIT_QUEUE;
  private Duration openTimeout = BreakerConfig.DEFAULT_OPEN_TIMEOUT;
  private boolean exponentialBackoff = true;
  private double backoffMultiplier = BreakerConfig.DEFAULT_BACKOFF_MULTIPLIER;
  private Duration maxOpenTimeout = BreakerConfig.DEFAULT_MAX_OPEN_TIMEOUT;
  private double jitter = BreakerConfig.DEFAULT_JITTER;
  private int permittedProbes = BreakerConfig.DEFAULT_PERMITTED_PROBES;
  private int successThreshold = BreakerConfig.DEFAULT_SUCCESS_THRESHOLD;
  private boolean strictMode = false;
  private boolean adaptiveConcurrency = false;
  private int initialLimit = BreakerConfig.DEFAULT_INITIAL_LIMIT;
  private int minLimit = BreakerConfig.DEFAULT_MIN_LIMIT;
  private int maxLimit = BreakerConfig.DEFAULT_MAX_LIMIT;
  private Duration probeInterval = BreakerConfig.DEFAULT_PROBE_INTERVAL;
  private BreakerConfig.Shares shares = BreakerConfig.DEFAULT_SHARES;
  private boolean throttling = false;
  private double throttlingThreshold = BreakerConfig.DEFAULT_THROTTLING_THRESHOLD;
  private Duration throttlingWindow = BreakerConfig.DEFAULT_THROTTLING_WINDOW;
  private int maxAttempts = BreakerConfig.DEFAULT_MAX_ATTEMPTS;
  private Duration retryBackoff = BreakerConfig.DEFAULT_RETRY_BACKOFF;
  private double retryJitter = BreakerConfig.DEFAULT_RETRY_JITTER;
  private boolean retryOnTimeout = true;
  private boolean retryOnFailure = true;
  private boolean retryIdempotentOnly = true;
  private Duration attemptTimeout;
  private double retryRatio = BreakerConfig.DEFAULT_RETRY_RATIO;
  private double retryMinPerSecond = BreakerConfig.DEFAULT_RETRY_MIN_PER_SECOND;
  private boolean retryClusterBudget = false;

  BreakerConfigBuilder() {
  }

  BreakerConfigBuilder(BreakerConfig c) {
    consecutiveEnabled = c.consecutiveFailures().enabled();
    consecutiveThreshold = c.consecutiveFailures().threshold();
    consecutiveNoiseAware = c.consecutiveFailures().noiseAware();
    failureRateEnabled = c.failureRate().enabled();
    failureRateThreshold = c.failureRate().threshold();
    minimumCalls = c.failureRate().minimumCalls();
    windowType = c.failureRate().window().type();
    windowSize = c.failureRate().window().size();
    windowDuration = c.failureRate().window().duration();
    slowCallsEnabled = c.slowCalls().enabled();
    slowCallThreshold = c.slowCalls().threshold();
    slowCallRate = c.slowCalls().rateThreshold();
    callTimeout = c.callTimeout();
    maxConcurrentCalls = c.bulkhead().maxConcurrentCalls();
    maxWaitQueue = c.bulkhead().maxWaitQueue();
    openTimeout = c.transitions().openTimeout();
    exponentialBackoff = c.transitions().enableExponentialBackoff();
    backoffMultiplier = c.transitions().backoffMultiplier();
    maxOpenTimeout = c.transitions().maxOpenTimeout();
    jitter = c.transitions().jitter();
    permittedProbes = c.recovery().permittedProbes();
    successThreshold = c.recovery().successThreshold();
    strictMode = c.recovery().strictMode();
    BreakerConfig.Concurrency concurrency = c.overload().concurrency();
    adaptiveConcurrency = concurrency.adaptive();
    initialLimit = concurrency.initialLimit();
    minLimit = concurrency.minLimit();
    maxLimit = concurrency.maxLimit();
    probeInterval = concurrency.probeInterval();
    shares = concurrency.shares();
    BreakerConfig.Throttling throttled = c.overload().throttling();
    throttling = throttled.enabled();
    throttlingThreshold = throttled.threshold();
    throttlingWindow = throttled.window();
    BreakerConfig.Retry retry = c.retry();
    maxAttempts = retry.maxAttempts();
    retryBackoff = retry.backoff();
    retryJitter = retry.jitter();
    retryOnTimeout = retry.onTimeout();
    retryOnFailure = retry.onFailure();
    retryIdempotentOnly = retry.idempotentOnly();
    attemptTimeout = retry.attemptTimeout();
    retryRatio = retry.budgetRatio();
    retryMinPerSecond = retry.budgetMinPerSecond();
    retryClusterBudget = retry.clusterBudget();
  }

  public BreakerConfigBuilder consecutiveFailures(int threshold) {
    this.consecutiveEnabled = true;
    this.consecutiveThreshold = threshold;
    return this;
  }

  /** Off: the classic rule, any run of {@code threshold} failures trips whatever the noise. */
  public BreakerConfigBuilder consecutiveFailuresNoiseAware(boolean noiseAware) {
    this.consecutiveNoiseAware = noiseAware;
    return this;
  }

  public BreakerConfigBuilder consecutiveFailuresEnabled(boolean enabled) {
    this.consecutiveEnabled = enabled;
    return this;
  }

  public BreakerConfigBuilder failureRate(double threshold) {
    this.failureRateEnabled = true;
    this.failureRateThreshold = threshold;
    return this;
  }

  public BreakerConfigBuilder failureRateEnabled(boolean enabled) {
    this.failureRateEnabled = enabled;
    return this;
  }

  public BreakerConfigBuilder minimumCalls(int minimumCalls) {
    this.minimumCalls = minimumCalls;
    return this;
  }

  public BreakerConfigBuilder countWindow(int size) {
    this.windowType = BreakerConfig.WindowType.COUNT_BASED;
    this.windowSize = size;
    return this;
  }

  public BreakerConfigBuilder timeWindow(Duration duration) {
    this.windowType = BreakerConfig.WindowType.TIME_BASED;
    this.windowDuration = duration;
    return this;
  }

  public BreakerConfigBuilder windowType(BreakerConfig.WindowType type) {
    this.windowType = type;
    return this;
  }

  public BreakerConfigBuilder windowSize(int size) {
    this.windowSize = size;
    return this;
  }

  public BreakerConfigBuilder windowDuration(Duration duration) {
    this.windowDuration = duration;
    return this;
  }

  public BreakerConfigBuilder slowCalls(Duration threshold, double rateThreshold) {
    this.slowCallsEnabled = true;
    this.slowCallThreshold = threshold;
    this.slowCallRate = rateThreshold;
    return this;
  }

  public BreakerConfigBuilder slowCallThreshold(Duration threshold) {
    this.slowCallThreshold = threshold;
    return this;
  }

  public BreakerConfigBuilder slowCallRate(double rateThreshold) {
    this.slowCallRate = rateThreshold;
    return this;
  }

  public BreakerConfigBuilder slowCallsEnabled(boolean enabled) {
    this.slowCallsEnabled = enabled;
    return this;
  }

  public BreakerConfigBuilder callTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
    return this;
  }

  public BreakerConfigBuilder maxConcurrentCalls(int maxConcurrentCalls) {
    this.maxConcurrentCalls = maxConcurrentCalls;
    return this;
  }

  public BreakerConfigBuilder maxWaitQueue(int maxWaitQueue) {
    this.maxWaitQueue = maxWaitQueue;
    return this;
  }

  public BreakerConfigBuilder openTimeout(Duration openTimeout) {
    this.openTimeout = openTimeout;
    return this;
  }

  public BreakerConfigBuilder exponentialBackoff(boolean enabled) {
    this.exponentialBackoff = enabled;
    return this;
  }

  public BreakerConfigBuilder backoffMultiplier(double multiplier) {
    this.backoffMultiplier = multiplier;
    return this;
  }

  public BreakerConfigBuilder maxOpenTimeout(Duration maxOpenTimeout) {
    this.maxOpenTimeout = maxOpenTimeout;
    return this;
  }

  public BreakerConfigBuilder jitter(double jitter) {
    this.jitter = jitter;
    return this;
  }

  public BreakerConfigBuilder permittedProbes(int permittedProbes) {
    this.permittedProbes = permittedProbes;
    return this;
  }

  public BreakerConfigBuilder successThreshold(int successThreshold) {
    this.successThreshold = successThreshold;
    return this;
  }

  public BreakerConfigBuilder strictMode(boolean strictMode) {
    this.strictMode = strictMode;
    return this;
  }

  /** On: the concurrency limit follows the dependency's latency instead of {@code max_concurrent_calls}. */
  public BreakerConfigBuilder adaptiveConcurrency(boolean adaptive) {
    this.adaptiveConcurrency = adaptive;
    return this;
  }

  public BreakerConfigBuilder initialLimit(int initialLimit) {
    this.initialLimit = initialLimit;
    return this;
  }

  public BreakerConfigBuilder minLimit(int minLimit) {
    this.minLimit = minLimit;
    return this;
  }

  public BreakerConfigBuilder maxLimit(int maxLimit) {
    this.maxLimit = maxLimit;
    return this;
  }

  public BreakerConfigBuilder probeInterval(Duration probeInterval) {
    this.probeInterval = probeInterval;
    return this;
  }

  public BreakerConfigBuilder shares(BreakerConfig.Shares shares) {
    this.shares = shares;
    return this;
  }

  /** One priority's guaranteed share of the concurrency limit; the others keep theirs. */
  public BreakerConfigBuilder share(Priority priority, double share) {
    this.shares = new BreakerConfig.Shares(priority == Priority.CRITICAL ? share : shares.critical(),
        priority == Priority.NORMAL ? share : shares.normal(), priority == Priority.SHEDDABLE ? share : shares.sheddable());
    return this;
  }

  /** On: from a failure share of {@code threshold}, the breaker refuses a share of calls that rises with it. */
  public BreakerConfigBuilder throttling(boolean enabled) {
    this.throttling = enabled;
    return this;
  }

  public BreakerConfigBuilder throttlingThreshold(double threshold) {
    this.throttlingThreshold = threshold;
    return this;
  }

  public BreakerConfigBuilder throttlingWindow(Duration window) {
    this.throttlingWindow = window;
    return this;
  }

  /** Attempts a call may make, the first included; above 1 the breaker retries. */
  public BreakerConfigBuilder maxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
    return this;
  }

  public BreakerConfigBuilder retryBackoff(Duration backoff) {
    this.retryBackoff = backoff;
    return this;
  }

  public BreakerConfigBuilder retryJitter(double jitter) {
    this.retryJitter = jitter;
    return this;
  }

  /** Which failed attempts are retried: those past their deadline, those the dependency failed. */
  public BreakerConfigBuilder retryOn(boolean timeout, boolean failure) {
    this.retryOnTimeout = timeout;
    this.retryOnFailure = failure;
    return this;
  }

  public BreakerConfigBuilder retryIdempotentOnly(boolean idempotentOnly) {
    this.retryIdempotentOnly = idempotentOnly;
    return this;
  }

  /** Each attempt's own deadline; null for what is left of the call's. */
  public BreakerConfigBuilder attemptTimeout(Duration attemptTimeout) {
    this.attemptTimeout = attemptTimeout;
    return this;
  }

  /** Retries allowed per first attempt of the last ten seconds. */
  public BreakerConfigBuilder retryBudgetRatio(double ratio) {
    this.retryRatio = ratio;
    return this;
  }

  /** Retries allowed each second whatever the traffic. */
  public BreakerConfigBuilder retryBudgetMinPerSecond(double minPerSecond) {
    this.retryMinPerSecond = minPerSecond;
    return this;
  }

  /** On: the breaker's instances in a cluster share one retry budget. */
  public BreakerConfigBuilder retryClusterBudget(boolean shared) {
    this.retryClusterBudget = shared;
    return this;
  }

  /** @throws InvalidBreakerConfigException listing every invalid value at once */
  public BreakerConfig build() {
    return new BreakerConfig(
        new BreakerConfig.ConsecutiveFailures(consecutiveEnabled, consecutiveThreshold, consecutiveNoiseAware),
        new BreakerConfig.FailureRate(failureRateEnabled, failureRateThreshold, minimumCalls,
            new BreakerConfig.Window(windowType, windowSize, windowDuration)),
        new BreakerConfig.SlowCalls(slowCallsEnabled, slowCallThreshold, slowCallRate),
        callTimeout,
        new BreakerConfig.Bulkhead(maxConcurrentCalls, maxWaitQueue),
        new BreakerConfig.Transitions(openTimeout, exponentialBackoff, backoffMultiplier, maxOpenTimeout, jitter),
        new BreakerConfig.Recovery(permittedProbes, successThreshold, strictMode),
        new BreakerConfig.Overload(new BreakerConfig.Concurrency(adaptiveConcurrency, initialLimit, minLimit, maxLimit,
            probeInterval, shares), new BreakerConfig.Throttling(throttling, throttlingThreshold, throttlingWindow)),
        new BreakerConfig.Retry(maxAttempts, retryBackoff, retryJitter, retryOnTimeout, retryOnFailure,
            retryIdempotentOnly, attemptTimeout, retryRatio, retryMinPerSecond, retryClusterBudget));
  }
}
