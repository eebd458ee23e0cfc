using ChatSupport.Residents;

namespace ChatSupport.UnitTests.Engine;

/// <summary>Issue 15: one locale rule for the engine, LINE, follow-ups and the CLI.</summary>
public sealed class LocalesTests
{
    [Theory]
    [InlineData("ja", "ja")]
    [InlineData("ja-JP", "ja")]
    [InlineData("en", "en")]
    [InlineData("en-US", "en")]
    [InlineData("EN_gb", "en")]
    [InlineData(" en-US ", "en")]
    [InlineData("zh-Hant-TW", "zh")]
    [InlineData("fil-PH", "fil")]
    [InlineData(null, "ja")]
    [InlineData("", "ja")]
    [InlineData("x", "ja")]
    [InlineData("12-34", "ja")]
    [InlineData("english", "ja")]
    public void TheLanguage_IsTheFirstSubtag_InLowerCase_OrJapanese(string? locale, string language)
    {
        Assert.Equal(language, Locales.Language(locale));
        Assert.Equal(language == "en", Locales.IsEnglish(locale));
    }
}
