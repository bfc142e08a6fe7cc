package dev.weft.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a bearer token from a file ({@code --token-file}), so that it never shows in the process list. */
final class TokenFile {
  private TokenFile() {}

  /**
   * The file's content, trimmed of surrounding white space (a trailing newline is usual).
   *
   * @throws CommandFailure (usage) if the file is missing, unreadable or blank
   */
  static String read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw CommandFailure.usage("--token-file " + file.toAbsolutePath() + ": no such file; write the token into it "
          + "(for example: openssl rand -base64 32 > " + file + ")");
    } catch (IOException e) {
      throw CommandFailure.usage("--token-file " + file.toAbsolutePath() + " cannot be read (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + ")");
    }
    if (text.isEmpty()) {
      throw CommandFailure.usage("--token-file " + file.toAbsolutePath() + " is empty; write the token into it "
          + "(16..512 visible ASCII characters)");
    }
    return text;
  }
}
