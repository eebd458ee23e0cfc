namespace ChatSupport.Questionnaires.Loading;

/// <summary>A mistake in a questionnaire file: where (file, line, column, field) and what is allowed instead.</summary>
public sealed record LoadError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Field}: {Message}";
}

/// <summary>Thrown when one or more questionnaire files are invalid; lists every error found, not just the first.</summary>
public sealed class QuestionnaireLoadException(IReadOnlyList<LoadError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<LoadError> Errors { get; } = errors;
}
