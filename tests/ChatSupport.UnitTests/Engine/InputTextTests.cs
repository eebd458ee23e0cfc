using ChatSupport.Dialogs.Prompts;

namespace ChatSupport.UnitTests.Engine;

public sealed class InputTextTests
{
    [Theory]
    [InlineData("2200012", "2200012")]
    [InlineData("220-0012", "2200012")]
    [InlineData("２２０－００１２", "2200012")]
    [InlineData("２２０ー００１２", "2200012")]
    [InlineData("〒220-0012", "2200012")]
    [InlineData(" 220‐0012 ", "2200012")]
    [InlineData("〒 220-0012", "2200012")]
    [InlineData("22-00012", null)]
    [InlineData("220001", null)]
    [InlineData("22000123", null)]
    [InlineData("abc-defg", null)]
    [InlineData("", null)]
    public void PostalCode_AcceptsTheWaysResidentsTypeIt(string input, string? expected) =>
        Assert.Equal(expected, InputText.PostalCode(input));

    [Theory]
    [InlineData("70", "70")]
    [InlineData("７０", "70")]
    [InlineData("７０歳", "70")]
    [InlineData("36.8℃", "36.8")]
    [InlineData("３６．８度", "36.8")]
    [InlineData("1,200", "1200")]
    [InlineData("95%", "95")]
    [InlineData("70 years old", "70")]
    [InlineData("36,8", null)]
    [InlineData("12,000円", null)]
    [InlineData("七十", null)]
    [InlineData("", null)]
    public void Number_AcceptsFullWidthDigitsAndUnits(string input, string? expected) =>
        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), InputText.Number(input));

    [Theory]
    [InlineData("今日", "2026-11-20")]
    [InlineData("昨日", "2026-11-19")]
    [InlineData("おととい", "2026-11-18")]
    [InlineData("3日前", "2026-11-17")]
    [InlineData("yesterday", "2026-11-19")]
    [InlineData("11/3", "2026-11-03")]
    [InlineData("１１月３日", "2026-11-03")]
    [InlineData("2026-10-01", "2026-10-01")]
    [InlineData("2026年10月1日", "2026-10-01")]
    [InlineData("12/31", "2025-12-31")]
    [InlineData("令和8年6月30日", "2026-06-30")]
    [InlineData("平成元年1月8日", "1989-01-08")]
    [InlineData("R8.6.30", "2026-06-30")]
    [InlineData("2/30", null)]
    [InlineData("そのうち", null)]
    public void Date_ReadsAbsoluteAndRelativeDates(string input, string? expected) =>
        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), InputText.Date(input, new DateOnly(2026, 11, 20)));

    [Theory]
    [InlineData("はい", true)]
    [InlineData("ＹＥＳ", true)]
    [InlineData("いいえ", false)]
    [InlineData("No", false)]
    [InlineData("イイエ", false)]
    [InlineData("無い", false)]
    [InlineData("たぶん", null)]
    public void YesNo_ReadsJapaneseAndEnglish(string input, bool? expected) => Assert.Equal(expected, InputText.YesNo(input));

    [Theory]
    [InlineData("データ削除", "でーた削除")]
    [InlineData("ＤＯＮＥ", "done")]
    [InlineData(" テレワーク ", "てれわーく")]
    [InlineData("ｾｷｴﾁｹｯﾄ", "せきえちけっと")]
    [InlineData("ハイ", "はい")]
    [InlineData("はい！", "はい")]
    [InlineData("Yes.", "yes")]
    public void Normalize_FoldsWidthKanaCaseAndTrailingPunctuation_ButKeepsTheLongMark(string input, string expected) =>
        Assert.Equal(expected, InputText.Normalize(input));

    [Fact]
    public void PerceivedLength_CountsAnEmojiAsOne() => Assert.Equal(3, InputText.PerceivedLength("あ👍🏽い"));
}
