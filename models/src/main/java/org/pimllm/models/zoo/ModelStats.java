package org.pimllm.models.zoo;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.pimllm.ir.Call;
import org.pimllm.ir.Constant;
import org.pimllm.ir.Expr;
import org.pimllm.ir.ExprVisitor;
import org.pimllm.ir.IRModule;
import org.pimllm.ir.Ops;

/**
 * What a built graph holds, counted from the graph itself (each distinct constant once, so a
 * tied weight counts once).
 *
 * @param parameters elements of all named constants: every weight, bias, norm scale and embedding table
 * @param gemmWeightParameters elements of the constants used as the weight operand of a GEMM
 *     ({@code nn.dense}, {@code nn.matmul}, {@code qnn.dense}): what PIM would hold in MRAM
 * @param int8WeightBytes bytes of those GEMM weights at one byte per element (int8)
 * @param largestGemmWeight elements of the largest single GEMM weight (a plan that gives every DPU
 *     all of B, like BaseGEMM, needs this many int8 bytes of MRAM per DPU)
 * @param largestGemmWeightName the name of that weight
 */
public record ModelStats(long parameters, long gemmWeightParameters, long int8WeightBytes, long largestGemmWeight,
    String largestGemmWeightName) {

  static ModelStats of(IRModule module) {
    Set<Constant> params = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Constant> gemmWeights = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Expr e : ExprVisitor.postOrder(module.main())) {
      if (e instanceof Constant c && c.name() != null) {
        params.add(c);
      }
      if (e instanceof Call call && (call.is(Ops.DENSE) || call.is(Ops.MATMUL) || call.is(Ops.QNN_DENSE))
          && call.arg(1) instanceof Constant w) {
        gemmWeights.add(w);
      }
    }
    long p = params.stream().mapToLong(c -> c.type().numElements()).sum();
    long g = gemmWeights.stream().mapToLong(c -> c.type().numElements()).sum();
    Constant largest = gemmWeights.stream().max(java.util.Comparator.comparingLong(c -> c.type().numElements())).orElse(null);
    return largest == null ? new ModelStats(p, 0, 0, 0, null)
        : new ModelStats(p, g, g, largest.type().numElements(), largest.name());
  }
}
