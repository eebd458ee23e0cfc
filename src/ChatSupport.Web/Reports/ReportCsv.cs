using CsvHelper;

namespace ChatSupport.Web.Reports;

/// <summary>
/// Officials' figures as CSV that Excel in Japan opens correctly: UTF-8 with a byte order mark (without it Excel reads
/// Shift_JIS and the Japanese headers turn to mojibake), RFC 4180 quoting, and text that starts with = + - @ (a formula
/// to a spreadsheet) escaped with a leading apostrophe. Numbers stay numbers, so −5 is not escaped.
/// </summary>
public static class ReportCsv
{
    public static async Task WriteAsync(Stream output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows, CancellationToken ct)
    {
        var options = new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape, NewLine = "\r\n" };
        await using var csv = CsvWriter.Create(output, options, leaveOpen: true);
        foreach (var name in header) csv.WriteField(name);
        csv.EndRecord();
        foreach (var row in rows)
        {
            if (row.Count != header.Count) throw new ArgumentException($"A row has {row.Count} fields for {header.Count} columns.", nameof(rows));
            foreach (var value in row) csv.WriteField(value);
            csv.EndRecord();
        }
        await csv.FlushAsync(ct);
    }
}
