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

    /// <summary>
    /// Whether the resident has earlier responses: false once a read found none, true once one is kept; null when not
    /// known yet. A resident without history (most turns of a first self-check) costs no history query.
    /// </summary>
    public bool? HasHistory { get; set; }
}
