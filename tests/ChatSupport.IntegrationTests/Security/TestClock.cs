namespace ChatSupport.IntegrationTests.Security;

/// <summary>A clock the test moves by hand (the host's TimeProvider); elapsed-time measurements stay real.</summary>
internal sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() { lock (this) return _now; }

    public void Advance(TimeSpan by) { lock (this) _now += by; }
}
