using ChatSupport.FollowUps;

namespace ChatSupport.Questionnaires;

/// <summary>What the bot keeps of a resident in user state: consents given, language, the follow-up schedule.</summary>
public sealed class ResidentProfile
{
    /// <summary>Consent id (by default the questionnaire's id) → consent version accepted.</summary>
    public Dictionary<string, string> Consents { get; set; } = new(StringComparer.Ordinal);
    public string? Locale { get; set; }
    public FollowUpDecision? NextFollowUp { get; set; }
    public bool FollowUpsStopped { get; set; }
}
