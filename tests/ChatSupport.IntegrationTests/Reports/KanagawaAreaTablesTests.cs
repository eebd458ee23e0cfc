using ChatSupport.Questionnaires;
using ChatSupport.Web.Reports;

namespace ChatSupport.IntegrationTests.Reports;

/// <summary>The shipped Kanagawa tables agree with themselves: they were built from Japan Post's data, and these checks catch a slip.</summary>
public sealed class KanagawaAreaTablesTests
{
    private static readonly string Postal = Path.Combine(WebHost.Dialogs, "areas", "kanagawa-postal-codes.csv");
    private static readonly string Health = Path.Combine(WebHost.Dialogs, "areas", "kanagawa-health-areas.csv");

    [Fact]
    public void EveryCode_IsInKanagawa_AndAgreesWithItsPrefix()
    {
        var table = AreaTable.Load(Postal, "postal_code");
        var codes = table.Keys.Where(k => k.Length == 7).ToList();
        var prefixes = table.Keys.Where(k => k.Length == 3).ToList();
        Assert.True(codes.Count > 2000, $"{codes.Count} codes");
        Assert.Equal(prefixes.Count, prefixes.Distinct().Count());
        foreach (var code in codes)
        {
            var row = table.Lookup(code)!;
            Assert.True(row["municipality_code"] is "" || row["municipality_code"].StartsWith("14", StringComparison.Ordinal), $"{code}: not a Kanagawa municipality code");
            // Its 3-digit prefix row names the same municipality, or says the prefix spans several (and names this one).
            var prefix = table.Lookup(code[..3]);
            Assert.True(prefix is not null && prefixes.Contains(code[..3]), $"{code}: no row for its prefix {code[..3]}");
            if (prefix!["municipality"] is { Length: > 0 } only) Assert.Equal(only, row["municipality"]);
            else if (row["municipality"] is { Length: > 0 } town) Assert.Contains(town, prefix["note"]);
        }
        // A spanning prefix spans: at least two municipalities among its codes.
        foreach (var prefix in prefixes.Where(p => table.Lookup(p)!["municipality"] == ""))
            Assert.True(codes.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Select(c => table.Lookup(c)!["municipality"]).Where(m => m != "").Distinct().Count() >= 2, prefix);
    }

    [Fact]
    public void EveryMunicipality_HasAHealthAreaRow_AndSpanningKeysAreCountedUnderThemselves()
    {
        var postal = AreaTable.Load(Postal, "postal_code");
        var health = AreaTable.Load(Health, "municipality_code", byPrefix: false);
        var municipalities = postal.Keys.Select(k => postal.Lookup(k)!["municipality_code"]).Where(c => c != "").Distinct().ToList();
        Assert.Equal(33, municipalities.Count); // 19 cities, 13 towns, 1 village
        Assert.Equal(municipalities.Order(), health.Keys.Order());

        var rows = ReportAreaTables.Load("kanagawa", Postal, Health).ToDictionary(r => r.Key);
        Assert.Equal("横浜市", rows["2200004"].Area);
        Assert.Equal("横浜市", rows["2200004"].HealthArea);
        Assert.Equal("小田原保健福祉事務所", rows["2500315"].HealthArea); // 箱根町
        Assert.Equal("〒258-0000（複数の市町村）", rows["2580000"].Area);
        Assert.Equal("〒243（複数の市町村）", rows["243"].Area);
        Assert.Equal("厚木市（保健所区域未設定）", rows["2430004"].HealthArea);
    }
}
