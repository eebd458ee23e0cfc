using ChatSupport.Bots;

namespace ChatSupport.Dialogs;

/// <summary>
/// A unit of conversation that lives on the dialog stack. Its instance state is plain JSON
/// (<see cref="DialogInstance.State"/>), so the stack survives serialisation between any two turns.
/// </summary>
public abstract class Dialog(string id)
{
    /// <summary>Returned by a dialog that waits for the user's next message.</summary>
    public static readonly DialogTurnResult EndOfTurn = new(DialogTurnStatus.Waiting);

    public string Id { get; } = id;

    public abstract Task<DialogTurnResult> BeginDialogAsync(DialogContext dc, object? options = null, CancellationToken cancellationToken = default);

    /// <summary>The user replied while this dialog was active. The default ends it.</summary>
    public virtual Task<DialogTurnResult> ContinueDialogAsync(DialogContext dc, CancellationToken cancellationToken = default) =>
        dc.EndDialogAsync(null, cancellationToken);

    /// <summary>A child this dialog started has ended with <paramref name="result"/>. The default ends this dialog with it.</summary>
    public virtual Task<DialogTurnResult> ResumeDialogAsync(DialogContext dc, DialogReason reason, object? result = null, CancellationToken cancellationToken = default) =>
        dc.EndDialogAsync(result, cancellationToken);

    /// <summary>Asks the user again (after an interruption such as help).</summary>
    public virtual Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Called when the instance leaves the stack, for clean-up.</summary>
    public virtual Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Kept in the instance: a dialog whose version changed can tell an old instance from a new one.</summary>
    public virtual string? GetVersion() => null;
}

public enum DialogTurnStatus { Empty, Waiting, Complete, Cancelled }

public enum DialogReason { BeginCalled, ContinueCalled, EndCalled, ReplaceCalled, CancelCalled, NextCalled }

public sealed record DialogTurnResult(DialogTurnStatus Status, object? Result = null);
