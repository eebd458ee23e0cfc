namespace ChatSupport.Web.Hosting;

/// <summary>
/// The embedded default's files (the SQLite database, its WAL, the pseudonymisation key) are readable by their owner
/// only: a folder made for them 0700, the files 0600 (SQLite gives its WAL and journal the database file's mode). Files
/// made before this are tightened too. Nothing to do on Windows, whose ACLs are inherited from the user's profile.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates the folder (0700) if needed. An existing folder is left as it is: it may be shared (a database file
    /// configured in /tmp), and the files in it are 0600 anyway.
    /// </summary>
    public static void Folder(string path)
    {
        if (OperatingSystem.IsWindows() || Directory.Exists(path)) { Directory.CreateDirectory(path); return; }
        Directory.CreateDirectory(path, OwnerOnlyFolder);
    }

    /// <summary>Tightens the file if it exists (a WAL left by an earlier run).</summary>
    public static void Existing(string path)
    {
        if (System.IO.File.Exists(path)) Tighten(path, OwnerOnlyFile);
    }

    /// <summary>Creates an empty file (0600) if it does not exist (an empty file is a new SQLite database), or tightens it.</summary>
    public static void File(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!System.IO.File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        }
        else Tighten(path, OwnerOnlyFile);
    }

    /// <summary>Writes a new file (0600) with this text.</summary>
    public static void Write(string path, string text)
    {
        if (OperatingSystem.IsWindows()) { System.IO.File.WriteAllText(path, text); return; }
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile });
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    private static void Tighten(string path, UnixFileMode allowed)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = System.IO.File.GetUnixFileMode(path);
        if ((mode & ~allowed) != 0) System.IO.File.SetUnixFileMode(path, mode & allowed);
    }
}
