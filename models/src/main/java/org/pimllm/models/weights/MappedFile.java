package org.pimllm.models.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A read-only memory map of a whole checkpoint file, so multi-GiB weights never sit on the heap. */
final class MappedFile {

  final Path path;
  final MemorySegment segment;

  private MappedFile(Path path, MemorySegment segment) {
    this.path = path;
    this.segment = segment;
  }

  static MappedFile open(Path path) {
    if (!Files.exists(path)) {
      throw new WeightFormatException("weight file not found: " + path);
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return new MappedFile(path, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
    } catch (NoSuchFileException e) {
      throw new WeightFormatException("weight file not found: " + path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  long size() {
    return segment.byteSize();
  }

  /** Bytes [offset, offset + length) as a little-endian buffer; out of range is a truncation error. */
  ByteBuffer slice(long offset, long length, String what) {
    if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
      throw new WeightFormatException(path + ": truncated: " + what + " needs bytes " + offset + ".." + (offset + length)
          + " but the file has " + size());
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new WeightFormatException(path + ": " + what + " is larger than 2 GiB, which is not supported");
    }
    return segment.asSlice(offset, length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }
}
