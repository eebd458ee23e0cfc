using System.Text;
using ChatSupport.Channels.Line;

namespace ChatSupport.UnitTests.Line;

public sealed class LineSignatureTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"destination":"U0","events":[]}""");

    [Fact]
    public void TheSignatureOfTheRawBody_IsAccepted() =>
        // Computed independently: printf %s '{"destination":"U0","events":[]}' | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef -binary | base64
        Assert.True(LineSignature.IsValid(Body, "3Gc/A/Q/RaUenWOFYfa53YXiRHXEBqQuDHu1nnYGQpU=", Secret));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("3Gc/A/Q/RaUenWOFYfa53YXiRHXEBqQuDHu1nnYGQpU")]      // truncated
    [InlineData("3Wc/A/Q/RaUenWOFYfa53YXiRHXEBqQuDHu1nnYGQpU=")]     // one bit changed
    [InlineData("3Gc/A/Q/RaUenWOFYfa53YXiRHXEBqQuDHu1nnYGQpU=AAAA")] // longer
    public void AMissingOrWrongSignature_IsRefused(string? signature) => Assert.False(LineSignature.IsValid(Body, signature, Secret));

    [Fact]
    public void AChangedBody_OrAnotherSecret_IsRefused()
    {
        var signature = LineSignature.Sign(Body, Secret);
        var changed = Encoding.UTF8.GetBytes("""{"destination":"U0","events":[ ]}""");
        Assert.False(LineSignature.IsValid(changed, signature, Secret));
        Assert.False(LineSignature.IsValid(Body, signature, Secret + "x"));
        Assert.False(LineSignature.IsValid(Body, signature, ""));
    }
}
