using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace ChatSupport.Questionnaires.Loading;

/// <summary>
/// The fingerprint of a <c>follow_up</c> section: SHA-256 of a canonical text of its YAML (scalars quoted, mappings in key
/// order), so a comment, a layout change or a reordered key is not a new policy but any changed value is. Computed while
/// the loader reads the section, so nothing else parses the YAML again.
/// </summary>
internal static class PolicyFingerprint
{
    public static string Of(YamlNode section) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(section))));

    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode s => "\"" + s.Value + "\"",
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(Canonical)) + "]",
        YamlMappingNode map => "{" + string.Join(",", map.Children.OrderBy(p => (p.Key as YamlScalarNode)?.Value, StringComparer.Ordinal)
            .Select(p => Canonical(p.Key) + ":" + Canonical(p.Value))) + "}",
        _ => "",
    };
}
