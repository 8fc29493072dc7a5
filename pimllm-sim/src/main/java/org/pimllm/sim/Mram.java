package org.pimllm.sim;

import java.util.Arrays;

/**
 * One DPU's MRAM, stored sparsely: 4 KiB pages allocated on first write, grouped in 256 KiB chunks so an
 * untouched DPU costs one small array. Unwritten bytes read as zero.
 */
final class Mram {
  private static final int PAGE_BITS = 12;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final int CHUNK_BITS = 6; // pages per chunk = 64
  private static final int CHUNK_PAGES = 1 << CHUNK_BITS;

  private final long capacity;
  private final byte[][][] chunks;

  Mram(long capacity) {
    this.capacity = capacity;
    long pages = (capacity + PAGE - 1) >> PAGE_BITS;
    this.chunks = new byte[(int) ((pages + CHUNK_PAGES - 1) >> CHUNK_BITS)][][];
  }

  void write(long addr, byte[] src, int srcOff, int len) {
    while (len > 0) {
      byte[] page = page(addr, true);
      int inPage = (int) (addr & (PAGE - 1));
      int n = Math.min(len, PAGE - inPage);
      System.arraycopy(src, srcOff, page, inPage, n);
      addr += n;
      srcOff += n;
      len -= n;
    }
  }

  void read(long addr, byte[] dst, int dstOff, int len) {
    while (len > 0) {
      byte[] page = page(addr, false);
      int inPage = (int) (addr & (PAGE - 1));
      int n = Math.min(len, PAGE - inPage);
      if (page == null) {
        Arrays.fill(dst, dstOff, dstOff + n, (byte) 0);
      } else {
        System.arraycopy(page, inPage, dst, dstOff, n);
      }
      addr += n;
      dstOff += n;
      len -= n;
    }
  }

  /** Bytes of storage actually allocated (for tests of sparseness). */
  long allocatedBytes() {
    long n = 0;
    for (byte[][] chunk : chunks) {
      if (chunk != null) {
        for (byte[] p : chunk) {
          n += p == null ? 0 : p.length;
        }
      }
    }
    return n;
  }

  long capacity() {
    return capacity;
  }

  private byte[] page(long addr, boolean create) {
    long p = addr >>> PAGE_BITS;
    int c = (int) (p >>> CHUNK_BITS);
    int i = (int) (p & (CHUNK_PAGES - 1));
    byte[][] chunk = chunks[c];
    if (chunk == null) {
      if (!create) {
        return null;
      }
      chunk = chunks[c] = new byte[CHUNK_PAGES][];
    }
    byte[] page = chunk[i];
    if (page == null && create) {
      page = chunk[i] = new byte[PAGE];
    }
    return page;
  }
}
