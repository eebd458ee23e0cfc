using System.Text;
using ChatSupport.Web.Reports;

namespace ChatSupport.IntegrationTests.Reports;

/// <summary>The CSV officials open in Excel: a BOM, Japanese headers intact, quoting, and no formulas from the data.</summary>
public sealed class ReportCsvTests
{
    private static async Task<byte[]> WriteAsync(IReadOnlyList<string> header, params object?[][] rows)
    {
        using var output = new MemoryStream();
        await ReportCsv.WriteAsync(output, header, rows, CancellationToken.None);
        return output.ToArray();
    }

    [Fact]
    public async Task TheFile_StartsWithABom_AndKeepsJapaneseHeadersAndQuoting()
    {
        var bytes = await WriteAsync(["日付", "地域", "回答者数"], [new DateOnly(2026, 11, 22).ToString("yyyy-MM-dd"), "横浜市, 中区", 1234]);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal("日付,地域,回答者数\r\n2026-11-22,\"横浜市, 中区\",1234\r\n", text);
    }

    [Fact]
    public async Task CellsThatAFormulaCouldStartWith_AreEscaped_NumbersAreNot()
    {
        var text = Encoding.UTF8.GetString((await WriteAsync(["a", "b", "c", "d", "e"], ["=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "-abc", -5]))[3..]);
        var fields = text.TrimEnd('\r', '\n').Split("\r\n")[1];
        // Escaped fields are quoted too; Excel shows them as the text written, apostrophe hidden.
        Assert.Equal("\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1+1\",\"'@SUM(A1)\",\"'-abc\",-5", fields);
    }

    [Fact]
    public async Task ARowOfTheWrongWidth_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => WriteAsync(["a", "b"], ["only one"]));
    }
}
