using ChatSupport.Bots;

namespace ChatSupport.Dialogs;

/// <summary>Drives a dialog stack for one turn: begin, continue, replace, end and cancel dialogs.</summary>
public sealed class DialogContext(DialogSet dialogs, ITurnContext context, DialogState state, DialogContext? parent = null)
{
    public DialogSet Dialogs { get; } = dialogs;
    public ITurnContext Context { get; } = context;
    public DialogState State { get; } = state;
    public DialogContext? Parent { get; } = parent;
    public DialogInstance? ActiveDialog => State.Top;

    public Dialog? FindDialog(string dialogId) => Dialogs.Find(dialogId) ?? Parent?.FindDialog(dialogId);

    public Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        var dialog = FindDialog(dialogId)
            ?? throw new InvalidOperationException($"No dialog with id '{dialogId}' was found in this set or its parents.");
        State.Push(DialogInstance.Create(dialogId, dialog.GetVersion()));
        return dialog.BeginDialogAsync(this, options, cancellationToken);
    }

    public async Task<DialogTurnResult> ContinueDialogAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is not { } active) return new DialogTurnResult(DialogTurnStatus.Empty);
        return await ActiveDialogOrThrow(active).ContinueDialogAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the active dialog and resumes its parent with <paramref name="result"/>.</summary>
    public async Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.EndCalled, cancellationToken).ConfigureAwait(false);
        if (ActiveDialog is { } parentInstance)
            return await ActiveDialogOrThrow(parentInstance).ResumeDialogAsync(this, DialogReason.EndCalled, result, cancellationToken).ConfigureAwait(false);
        return new DialogTurnResult(DialogTurnStatus.Complete, result);
    }

    public async Task<DialogTurnResult> ReplaceDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.ReplaceCalled, cancellationToken).ConfigureAwait(false);
        return await BeginDialogAsync(dialogId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every dialog from the stack.</summary>
    public async Task<DialogTurnResult> CancelAllDialogsAsync(CancellationToken cancellationToken = default)
    {
        if (State.Count == 0) return new DialogTurnResult(DialogTurnStatus.Empty);
        while (State.Count > 0) await PopAsync(DialogReason.CancelCalled, cancellationToken).ConfigureAwait(false);
        return new DialogTurnResult(DialogTurnStatus.Cancelled);
    }

    public Task RepromptDialogAsync(CancellationToken cancellationToken = default) =>
        ActiveDialog is { } active
            ? ActiveDialogOrThrow(active).RepromptDialogAsync(Context, active, cancellationToken)
            : Task.CompletedTask;

    private async Task PopAsync(DialogReason reason, CancellationToken ct)
    {
        if (State.Count == 0) return;
        var instance = State.Pop();
        if (FindDialog(instance.Id) is { } dialog)
            await dialog.EndDialogAsync(Context, instance, reason, ct).ConfigureAwait(false);
    }

    private Dialog ActiveDialogOrThrow(DialogInstance instance) =>
        FindDialog(instance.Id) ?? throw new InvalidOperationException($"The active dialog '{instance.Id}' is not in this set.");
}
