using ChatSupport.Reports;

namespace ChatSupport.UnitTests.Reports;

public sealed class AgeBandsTests
{
    [Theory]
    [InlineData(0, "0-9", false)]
    [InlineData(9, "0-9", false)]
    [InlineData(10, "10-19", false)]
    [InlineData(64, "60-69", false)]
    [InlineData(65, "60-69", true)]
    [InlineData(89, "80-89", true)]
    [InlineData(90, "90+", true)]
    [InlineData(120, "90+", true)]
    public void DefaultBands_AreTenYears_WithSixtyFivePlusMarked(int age, string band, bool elderly)
    {
        Assert.Equal(band, AgeBands.Default.Of(age));
        Assert.Equal(elderly, AgeBands.Default.IsElderly(age));
    }

    [Fact]
    public void UnknownOrImpossibleAges_HaveNoBand()
    {
        Assert.Null(AgeBands.Default.Of(null));
        Assert.Null(AgeBands.Default.Of(-1));
        Assert.Null(AgeBands.Default.Of(151));
        Assert.False(AgeBands.Default.IsElderly(null));
    }

    [Fact]
    public void ATenantsOwnBands_AreUsed_AndBadOnesRefused()
    {
        var bands = new AgeBands([0, 20, 40, 65, 75], 65);
        Assert.Equal(["0-19", "20-39", "40-64", "65-74", "75+"], bands.Labels);
        Assert.Equal("65-74", bands.Of(70));
        Assert.Throws<ArgumentException>(() => new AgeBands([10, 20], 65));
        Assert.Throws<ArgumentException>(() => new AgeBands([0, 30, 20], 65));
    }
}
